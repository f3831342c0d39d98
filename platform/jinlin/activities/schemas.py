"""Request and response shapes of /api/v1/activities, /shifts and /signups."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from jinlin.catalog.codes import Category
from jinlin.core.schemas import Body
from jinlin.ratings.schemas import ScoredRatingBody, ScoredRatingShown

Title = Annotated[str, Meta(min_length=1, max_length=120)]
Text = Annotated[str, Meta(max_length=4000)]
Address = Annotated[str, Meta(max_length=255)]
Skill = Annotated[str, Meta(min_length=1, max_length=40)]
Slots = Annotated[int, Meta(ge=1, le=10000)]
Grace = Annotated[int, Meta(ge=0, le=240)]
Cutoff = Annotated[int, Meta(ge=0, le=168)]
Code = Annotated[str, Meta(min_length=1, max_length=12)]
Reason = Annotated[str, Meta(max_length=255)]
Hours = Annotated[float, Meta(ge=0, le=24)]


class ShiftIn(Body):
    start: datetime
    end: datetime
    slots: Slots
    skills: list[Skill] = []


class ShiftPatch(Body, omit_defaults=True):
    start: datetime | msgspec.UnsetType = msgspec.UNSET
    end: datetime | msgspec.UnsetType = msgspec.UNSET
    slots: Slots | msgspec.UnsetType = msgspec.UNSET
    skills: list[Skill] | msgspec.UnsetType = msgspec.UNSET


class ActivityIn(Body):
    organizer_id: int
    title: Title
    category: Category
    area_id: int
    shifts: Annotated[list[ShiftIn], Meta(min_length=1, max_length=50)]
    description: Text = ""
    address: Address = ""
    grace_minutes: Grace = 30
    cancel_cutoff_hours: Cutoff = 2


class ActivityPatch(Body, omit_defaults=True):
    title: Title | msgspec.UnsetType = msgspec.UNSET
    description: Text | msgspec.UnsetType = msgspec.UNSET
    category: Category | msgspec.UnsetType = msgspec.UNSET
    area_id: int | msgspec.UnsetType = msgspec.UNSET
    address: Address | msgspec.UnsetType = msgspec.UNSET
    grace_minutes: Grace | msgspec.UnsetType = msgspec.UNSET
    cancel_cutoff_hours: Cutoff | msgspec.UnsetType = msgspec.UNSET


class ShiftOut(msgspec.Struct):
    id: int
    activity_id: int
    start: datetime
    end: datetime
    slots: int
    slots_left: int
    skills: list[str]
    waitlisted: int = 0
    checkin_code: str | None = None  # organisers only


class ActivityOut(msgspec.Struct):
    id: int
    organizer_id: int
    organizer_name: str
    title: str
    description: str
    category: str
    area_id: int
    area_name: str
    address: str
    status: str
    grace_minutes: int
    cancel_cutoff_hours: int
    shifts: list[ShiftOut]
    created_at: datetime
    updated_at: datetime
    can_manage: bool = False


class SignupOut(msgspec.Struct):
    id: int
    shift_id: int
    activity_id: int
    volunteer_id: int
    volunteer_name: str
    phone: str  # masked unless the caller organises this shift (or is the volunteer)
    status: str
    source: str
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    hours: float | None
    verified: bool
    adjust_reason: str
    waitlist_position: int | None
    created_at: datetime
    updated_at: datetime


class CodeIn(Body):
    code: Code


class SignupIdsIn(Body):
    signup_ids: Annotated[list[int], Meta(min_length=1, max_length=1000)]


class Adjustment(Body):
    signup_id: int
    hours: Hours
    reason: Reason = ""


class VerifyIn(Body):
    """Verify every checked-out signup of the shift (``all``) or those listed, with adjustments."""

    all: bool = False
    signup_ids: list[int] = []
    adjustments: list[Adjustment] = []


class VerifyOut(msgspec.Struct):
    verified: int
    signups: list[SignupOut]


MaxHours = Annotated[float, Meta(gt=0, le=168)]


class RosterRunIn(Body):
    max_hours: MaxHours | None = None
    near_only: bool = True


class RosterOptions(Body):
    """A roster run's options on the shared run (``POST /match-runs`` with ``kind: roster``)."""

    activity_id: int
    max_hours: MaxHours | None = None  # instead of each volunteer's weekly maximum
    near_only: bool = True  # only volunteers who prefer an area around the activity (and its team)


class InvitationOut(msgspec.Struct):
    id: int
    run_id: int
    shift_id: int
    activity_id: int
    activity_title: str
    volunteer_id: int
    volunteer_name: str
    start: datetime
    end: datetime
    status: str
    reasons: list[str]


class RosterRunOut(msgspec.Struct):
    id: int
    kind: Literal["roster"]
    activity_id: int
    status: str
    progress: float
    phase: str
    objective: float | None
    stats: dict
    proposals: int
    error: str
    invitations: list[InvitationOut]
    created_at: datetime
    finished_at: datetime | None


class RatingIn(ScoredRatingBody, kw_only=True):
    pass


class RatingOut(ScoredRatingShown, kw_only=True):
    """``rater_side``: volunteer | organizer."""
