"""Request and response shapes of /api/v1/volunteers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import Meta

from jinlin.auth.schemas import MeOut
from jinlin.core.schemas import Body

HHMM = Annotated[str, Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")]
Phone = Annotated[str, Meta(pattern=r"^\+?[0-9][0-9 -]{5,19}$")]
Skill = Annotated[str, Meta(min_length=1, max_length=40)]


class FreeTime(Body):
    """A weekly free period: weekday 0 (Monday) to 6, "HH:MM" to "HH:MM" (local time)."""

    weekday: Annotated[int, Meta(ge=0, le=6)]
    start: HHMM
    end: HHMM


class RegisterIn(Body):
    username: Annotated[str, Meta(min_length=3, max_length=60, pattern=r"^[A-Za-z0-9_.@-]+$")]
    password: Annotated[str, Meta(min_length=10, max_length=200)]
    display_name: Annotated[str, Meta(min_length=1, max_length=60)]
    phone: Phone
    skills: Annotated[list[Skill], Meta(max_length=30)] = []
    availability: Annotated[list[FreeTime], Meta(max_length=50)] = []
    area_ids: Annotated[list[int], Meta(max_length=20)] = []
    party_member: bool = False
    community_id: int | None = None  # the residential community a party member reports to (报到)
    max_hours_per_week: Annotated[float, Meta(gt=0, le=168)] | None = None


class RegisterOut(msgspec.Struct):
    token: str
    account: MeOut


class VolunteerOut(msgspec.Struct):
    id: int
    username: str
    display_name: str
    phone: str  # masked unless the caller organises a shift the volunteer is on
    skills: list[str]
    availability: list[FreeTime]
    area_ids: list[int]
    party_member: bool
    community_id: int | None
    max_hours_per_week: float | None
    teams: list[int]


class JoinIn(Body):
    note: Annotated[str, Meta(max_length=255)] = ""


class JoinRequestOut(msgspec.Struct):
    id: int
    account_id: int
    display_name: str
    team_id: int
    team_name: str
    status: str
    note: str
    created_at: datetime
    decided_at: datetime | None


class HoursRecordOut(msgspec.Struct):
    id: int
    kind: str  # recorded (积分时长) | honorary (荣誉时长)
    hours: float
    served_on: datetime
    activity_id: int | None
    activity_title: str
    organization_id: int | None
    organization_name: str
    reason: str


class YearHours(msgspec.Struct):
    year: int
    recorded_hours: float
    honorary_hours: float
    records: list[HoursRecordOut]


class HoursOut(msgspec.Struct):
    volunteer_id: int
    display_name: str
    recorded_hours: float
    honorary_hours: float
    years: list[YearHours]


class HonoraryIn(Body):
    hours: Annotated[float, Meta(gt=0, le=1000)]
    reason: Annotated[str, Meta(min_length=1, max_length=255)]
    served_on: datetime | None = None
    organization_id: int | None = None
