"""Request and response shapes of /api/v1/accounts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from jinlin.core.schemas import Body

RoleName = Literal[
    "county_admin",
    "street_admin",
    "community_admin",
    "community_staff",
    "grid_worker",
    "unit_liaison",
    "team_leader",
    "volunteer",
]
Username = Annotated[str, Meta(min_length=3, max_length=60, pattern=r"^[A-Za-z0-9_.\-]+$")]
DisplayName = Annotated[str, Meta(max_length=60)]
Password = Annotated[str, Meta(min_length=10, max_length=200)]
Locale = Literal["zh_CN", "en"]
Phone = Annotated[str, Meta(max_length=30, pattern=r"^[0-9+\- ]*$")]


class MembershipIn(Body):
    organization_id: int
    role: RoleName


class AccountIn(Body):
    username: Username
    password: Password
    display_name: DisplayName = ""
    locale: Locale = "zh_CN"
    phone: Phone = ""
    memberships: list[MembershipIn] = []


class AccountPatch(Body, omit_defaults=True):
    """Only the fields sent change. ``memberships`` replaces the whole set; changing your own password
    needs ``current_password``."""

    display_name: DisplayName | msgspec.UnsetType = msgspec.UNSET
    locale: Locale | msgspec.UnsetType = msgspec.UNSET
    phone: Phone | msgspec.UnsetType = msgspec.UNSET
    password: Password | msgspec.UnsetType = msgspec.UNSET
    current_password: str | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET
    memberships: list[MembershipIn] | msgspec.UnsetType = msgspec.UNSET


class AccountMembershipOut(msgspec.Struct):
    organization_id: int
    organization_name: str
    organization_kind: str
    role: str


class AccountOut(msgspec.Struct):
    id: int
    username: str
    display_name: str
    locale: str
    phone: str  # masked unless it is your own account or one you manage
    active: bool
    memberships: list[AccountMembershipOut]
    created_at: datetime
    updated_at: datetime
