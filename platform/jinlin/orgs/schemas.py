"""Request and response shapes of /api/v1/organizations and 报到 (registrations)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from jinlin.core.schemas import Body

Kind = Literal["community", "street_office", "enterprise", "agency", "village", "social_org", "volunteer_team"]
Name = Annotated[str, Meta(min_length=1, max_length=120)]
ContactName = Annotated[str, Meta(max_length=60)]
Phone = Annotated[str, Meta(max_length=30, pattern=r"^[0-9+\- ]*$")]
Description = Annotated[str, Meta(max_length=4000)]
Note = Annotated[str, Meta(max_length=1000)]


class OrganizationIn(Body):
    name: Name
    kind: Kind
    area_id: int
    contact_name: ContactName = ""
    contact_phone: Phone = ""
    description: Description = ""


class OrganizationPatch(Body, omit_defaults=True):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    area_id: int | msgspec.UnsetType = msgspec.UNSET
    contact_name: ContactName | msgspec.UnsetType = msgspec.UNSET
    contact_phone: Phone | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET


class OrganizationOut(msgspec.Struct):
    id: int
    name: str
    kind: str
    area_id: int
    area_name: str
    contact_name: str
    contact_phone: str  # masked (138****5678) unless the caller may see it
    contact_phone_masked: bool
    description: str
    created_at: datetime
    updated_at: datetime


class RegistrationIn(Body):
    """报到: the organisation in the path registers with ``community_id``; a party member names ``account_id``."""

    community_id: int
    kind: Literal["unit", "party_member"] = "unit"
    account_id: int | None = None
    note: Note = ""


class RegistrationOut(msgspec.Struct):
    id: int
    community_id: int
    community_name: str
    kind: str
    organization_id: int | None
    organization_name: str | None
    account_id: int | None
    account_name: str | None
    note: str
    status: str  # active / ended
    registered_at: datetime
    ended_at: datetime | None
