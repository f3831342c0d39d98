"""Request and response shapes of /api/v1/resident-reports."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from jinlin.needs.schemas import CategoryCode
from jinlin.ratings.schemas import RatingBody

Category = Literal["environment", "facilities", "safety", "neighbours", "property", "elder_care", "parking", "other"]
Level = Annotated[int, Meta(ge=1, le=3)]
Phone = Annotated[str, Meta(pattern=r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")]
NO_NUL = r"^[^\x00]*$"  # PostgreSQL refuses NUL in text; refuse it here with a field error instead
Text = Annotated[str, Meta(min_length=1, max_length=500, pattern=NO_NUL)]
Reason = Annotated[str, Meta(min_length=2, max_length=300, pattern=NO_NUL)]
Short = Annotated[str, Meta(max_length=300, pattern=NO_NUL)]


class ReportIn(msgspec.Struct, forbid_unknown_fields=True):
    area_id: Annotated[int, Meta(ge=1, le=2**63 - 1)]
    category: Category
    description: Text
    consent: bool
    phone: Phone | None = None


class TriageIn(msgspec.Struct, forbid_unknown_fields=True):
    """Importance × urgency (the colour follows the county's policy); both empty keeps the suggestion."""

    urgency: Level | None = None
    importance: Level | None = None


class ResolveIn(msgspec.Struct, forbid_unknown_fields=True):
    note: Text


class HandOverIn(msgspec.Struct, forbid_unknown_fields=True):
    account_id: Annotated[int, Meta(ge=1, le=2**63 - 1)]
    reason: Reason


class ChaseIn(msgspec.Struct, forbid_unknown_fields=True):
    note: Short = ""


class ToNeedIn(msgspec.Struct, forbid_unknown_fields=True):
    title: Annotated[str, Meta(min_length=2, max_length=120, pattern=NO_NUL)]
    category: CategoryCode = "other"
    quantity: Annotated[int, Meta(ge=1, le=1_000_000)] = 1
    unit: Annotated[str, Meta(max_length=20, pattern=NO_NUL)] = ""


class RatingIn(RatingBody, kw_only=True):
    satisfaction: Literal["satisfied", "basically", "unsatisfied"]
    comment: Short = ""  # a resident's word on a report: shorter than the family's comment


class EventOut(msgspec.Struct):
    kind: str
    at: datetime
    actor_name: str
    to_account_name: str
    level: str
    reason: str


class ReportOut(msgspec.Struct):
    id: int
    code: str
    area_id: int
    area_name: str
    grid_id: int | None
    community_id: int | None
    category: str
    description: str
    status: str
    level: str
    queue: str
    colour: str
    urgency: int | None
    importance: int | None
    triaged: bool
    owner_id: int | None
    owner_name: str
    respond_by: datetime | None
    resolve_by: datetime | None
    responded_at: datetime | None
    resolved_at: datetime | None
    overdue: bool
    need_id: int | None
    duplicate_of: int | None
    reopen_count: int
    chase_count: int
    escalation_count: int
    satisfaction: str | None
    rating_comment: str
    resolution_note: str
    created_at: datetime
    phone: str | None = None  # masked in lists; whole only for those whose duty needs it
    photo_ids: list[int] = []
    events: list[EventOut] = []
    source: str = "resident"  # or "visit": filed from a household visit (the household is not named here)


class FiledOut(msgspec.Struct):
    code: str
    status: str
    duplicate: bool


class TrackOut(msgspec.Struct):
    code: str
    status: str
    category: str
    area_name: str
    handler: str
    respond_by: datetime | None
    resolve_by: datetime | None
    resolved_at: datetime | None
    resolution_note: str
    satisfaction: str | None
    can_rate: bool
    reopen_count: int
