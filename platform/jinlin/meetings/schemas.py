"""Request and response shapes of grid meetings (网格例会) and their action items."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from msgspec import Meta

from jinlin.needs.schemas import CategoryCode

Text = Annotated[str, Meta(max_length=4000)]


class ActionItemIn(msgspec.Struct, forbid_unknown_fields=True):
    title: Annotated[str, Meta(min_length=2, max_length=200)]
    due_on: date
    owner_id: int | None = None


class MeetingIn(msgspec.Struct, forbid_unknown_fields=True):
    grid_id: int
    held_on: date
    attendee_post_ids: Annotated[list[int], Meta(max_length=50)] = []
    topics: Text = ""
    decisions: Text = ""
    action_items: Annotated[list[ActionItemIn], Meta(max_length=30)] = []


class Attendee(msgspec.Struct):
    post_id: int
    account_id: int | None
    name: str
    kind: str


class ActionItemOut(msgspec.Struct):
    id: int
    meeting_id: int
    title: str
    owner_id: int | None
    owner_name: str
    due_on: date
    status: str
    overdue: bool
    need_id: int | None
    done_at: datetime | None


class MeetingOut(msgspec.Struct):
    id: int
    community_id: int
    grid_id: int
    grid_name: str
    held_on: date
    attendees: list[Attendee]
    topics: str
    decisions: str
    action_items: list[ActionItemOut]  # raised at this meeting
    carried_over: list[ActionItemOut]  # open items of earlier meetings this one opened with
    created_at: datetime


class ItemNeedIn(msgspec.Struct, forbid_unknown_fields=True):
    category: CategoryCode = "other"
    title: Annotated[str, Meta(min_length=2, max_length=120)] | None = None  # defaults to the item's title


class GridMonth(msgspec.Struct):
    grid_id: int
    grid_name: str
    meetings: list[int]  # ids of the month's meetings
    missed: bool  # the month is over and no meeting was held
