"""Request and response shapes of households, residents, access grants and counts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

FocusCode = Literal[
    "empty_nest_elderly",
    "disabled",
    "minimum_living_allowance",
    "floating_population",
    "rental_housing",
    "released_prisoner",
    "community_corrections",
]
Gender = Literal["male", "female", ""]
Place = Annotated[str, Meta(max_length=60)]
Name = Annotated[str, Meta(min_length=1, max_length=40)]
Phone = Annotated[str, Meta(max_length=20, pattern=r"^[0-9+\- ]*$")]
IdNumber = Annotated[str, Meta(max_length=24, pattern=r"^[0-9Xx ]*$")]
Note = Annotated[str, Meta(max_length=1000)]
Tag = Annotated[str, Meta(min_length=1, max_length=20)]
Reason = Annotated[str, Meta(min_length=2, max_length=200)]
BirthYear = Annotated[int, Meta(ge=1900, le=2100)]


class HouseholdIn(msgspec.Struct, forbid_unknown_fields=True):
    grid_id: int
    building: Place
    door: Place
    party_member_id: int | None = None


class HouseholdPatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    building: Place | msgspec.UnsetType = msgspec.UNSET
    door: Place | msgspec.UnsetType = msgspec.UNSET
    party_member_id: int | msgspec.UnsetType | None = msgspec.UNSET


class ResidentIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    gender: Gender = ""
    birth_year: BirthYear | None = None
    relation: Annotated[str, Meta(max_length=20)] = ""
    phone: Phone = ""
    id_number: IdNumber = ""
    focus_groups: list[FocusCode] = []
    extra_tags: Annotated[list[Tag], Meta(max_length=10)] = []
    care_note: Note = ""
    consent_contact: bool = False


class ResidentPatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    gender: Gender | msgspec.UnsetType = msgspec.UNSET
    birth_year: BirthYear | msgspec.UnsetType | None = msgspec.UNSET
    relation: Annotated[str, Meta(max_length=20)] | msgspec.UnsetType = msgspec.UNSET
    phone: Phone | msgspec.UnsetType = msgspec.UNSET
    id_number: IdNumber | msgspec.UnsetType = msgspec.UNSET
    focus_groups: list[FocusCode] | msgspec.UnsetType = msgspec.UNSET
    extra_tags: Annotated[list[Tag], Meta(max_length=10)] | msgspec.UnsetType = msgspec.UNSET
    care_note: Note | msgspec.UnsetType = msgspec.UNSET
    consent_contact: bool | msgspec.UnsetType = msgspec.UNSET


class ResidentOut(msgspec.Struct):
    """A full record: only for those whose duty covers the household, and each read is audited."""

    id: int
    household_id: int
    name: str
    gender: str
    birth_year: int | None
    relation: str
    phone: str
    id_number_masked: str
    focus_groups: list[str]
    extra_tags: list[str]
    care_note: str
    consent_contact: bool
    status: str
    moved_out_at: datetime | None


class HouseholdOut(msgspec.Struct):
    id: int
    community_id: int
    grid_id: int
    grid_name: str
    building: str
    door: str
    party_member_id: int | None
    status: str
    member_count: int
    focus_groups: list[str]
    moved_out_at: datetime | None
    created_at: datetime
    residents: list[ResidentOut] | None = None  # only on a single household's full record


class RevealIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Reason


class RevealOut(msgspec.Struct):
    resident_id: int
    id_number: str


class SearchIn(msgspec.Struct, forbid_unknown_fields=True):
    id_number: Annotated[str, Meta(min_length=15, max_length=24, pattern=r"^[0-9Xx ]+$")]
    purpose: Reason


class GrantIn(msgspec.Struct, forbid_unknown_fields=True):
    account_id: int
    area_id: int
    purpose: Reason
    ends_at: Annotated[datetime, Meta(tz=True)]
    starts_at: Annotated[datetime, Meta(tz=True)] | None = None


class GrantOut(msgspec.Struct):
    id: int
    community_id: int
    area_id: int
    account_id: int
    purpose: str
    starts_at: datetime
    ends_at: datetime
    revoked_at: datetime | None


class GroupCount(msgspec.Struct):
    area_id: int
    area_name: str
    focus_group: str
    residents: int
    households: int


class CountsOut(msgspec.Struct):
    """What street and county staff see: numbers per focus group and area, never names."""

    area_id: int
    households: int
    residents: int
    by_group: dict[str, int]
    rows: list[GroupCount]


class RecordAccessOut(msgspec.Struct):
    """One read of the records: who, when, on what basis and why (no resident data beyond the ids)."""

    id: int
    at: datetime
    account_id: int | None
    account_name: str
    action: str
    household_id: int | None
    resident_id: int | None
    basis: str
    purpose: str
    rows_seen: int
