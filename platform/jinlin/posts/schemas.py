"""Request and response shapes of posts (岗位), duty cards (挂牌) and the county's posts policy."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from jinlin.core.schemas import Body

Kind = Literal[
    "grid_chief",
    "grid_group_leader",
    "full_time_grid_worker",
    "part_time_grid_worker",
    "compound_party_secretary",
    "building_head",
    "department_staff",
]
Phone = Annotated[str, Meta(max_length=20, pattern=r"^(\+?[0-9][0-9 -]{4,18})?$")]
Code = Annotated[str, Meta(max_length=40, pattern=r"^([a-z][a-z0-9_]{1,39})?$")]


class PostIn(Body):
    """Put a person on a post: an account, or a named contact who never logs in (楼栋长)."""

    kind: Kind
    area_id: Annotated[int, Meta(ge=1)] | None = None  # from the path on /areas/{id}/posts
    department: Code = ""
    account_id: Annotated[int, Meta(ge=1)] | None = None
    contact_name: Annotated[str, Meta(max_length=60)] = ""
    contact_phone: Phone = ""
    note: Annotated[str, Meta(max_length=500)] = ""
    photo_url: Annotated[str, Meta(max_length=300)] = ""
    starts_at: Annotated[datetime, Meta(tz=True)] | None = None


class PostOut(msgspec.Struct):
    id: int
    area_id: int
    area_name: str
    area_level: str
    kind: str
    department: str
    department_label: str
    account_id: int | None
    holder_name: str
    phone: str
    phone_masked: bool
    note: str
    photo_url: str
    starts_at: datetime
    ends_at: datetime | None
    current: bool


class Department(Body):
    code: Annotated[str, Meta(min_length=2, max_length=40, pattern=r"^[a-z][a-z0-9_]{1,39}$")]
    zh: Annotated[str, Meta(min_length=1, max_length=40)]
    en: Annotated[str, Meta(min_length=1, max_length=60)]


class PolicyIn(Body):
    departments: Annotated[list[Department], Meta(min_length=1, max_length=50)] | None = None
    split_population: Annotated[int, Meta(ge=1, le=10_000_000)] | None = None
    split_residents_per_worker: Annotated[int, Meta(ge=1, le=1_000_000)] | None = None


class PolicyOut(msgspec.Struct):
    county_id: int
    departments: list[Department]
    split_population: int
    split_residents_per_worker: int


class CardIn(Body):
    service_hours: Annotated[str, Meta(max_length=200)] = ""
    notice: Annotated[str, Meta(max_length=1000)] = ""


class ServiceRecordOut(msgspec.Struct):
    """One 报到 registration of a unit (or of one of its party members) and what was done under it."""

    registration_id: int
    community_id: int
    community_name: str
    kind: str
    account_id: int | None
    status: str
    matches_completed: int
    quantity_completed: int
    pledges: int
    quantity_pledged: int
    activity_hours: float
