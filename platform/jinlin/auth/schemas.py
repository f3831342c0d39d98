from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from jinlin.core.schemas import Body


class LoginIn(Body):
    username: Annotated[str, Meta(min_length=1, max_length=60)]
    password: Annotated[str, Meta(min_length=1, max_length=200)]


class MembershipOut(msgspec.Struct):
    organization_id: int
    organization_name: str
    organization_kind: str
    role: str


class MeOut(msgspec.Struct):
    id: int
    username: str
    display_name: str
    locale: str
    memberships: list[MembershipOut]


class LoginOut(msgspec.Struct):
    token: str
    account: MeOut
