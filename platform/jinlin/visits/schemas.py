"""Request and response shapes of visit plans, visits, the visit list and coverage."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from jinlin.core.schemas import Body
from jinlin.households.schemas import FocusCode
from jinlin.needs.schemas import CategoryCode

ReportCategoryCode = Literal[
    "environment", "facilities", "safety", "neighbours", "property", "elder_care", "parking", "other"
]
EveryDays = Annotated[int, Meta(ge=1, le=366)]


class PlansIn(msgspec.Struct, forbid_unknown_fields=True):
    """Days between visits per focus group (空巢老人 every 7 days …); a group left out keeps its frequency."""

    plans: dict[FocusCode, EveryDays]


class PlansOut(msgspec.Struct):
    community_id: int
    plans: dict[str, int]


class FollowUpNeed(msgspec.Struct, forbid_unknown_fields=True):
    """What the need requires and nothing more: no names, phones or ID numbers."""

    title: Annotated[str, Meta(min_length=2, max_length=120)]
    category: CategoryCode = "other"


class FollowUpReport(Body):
    """A visit's follow-up for the grid to handle (接诉即办). The description is the visitor's own words, never
    the resident's record: no names, phones or ID numbers."""

    description: Annotated[str, Meta(min_length=2, max_length=1000)]
    category: ReportCategoryCode = "other"
    area_id: int | None = None  # the household's grid unless a building or compound in it is named
    accept: bool = False  # the filing worker owns it at once


class VisitIn(msgspec.Struct, forbid_unknown_fields=True):
    household_id: int
    method: Literal["home", "phone", "other"] = "home"
    visited_on: date | None = None  # today (China time) unless given
    findings: Annotated[str, Meta(max_length=2000)] = ""
    follow_up: Annotated[str, Meta(max_length=1000)] = ""
    need: FollowUpNeed | None = None


class VisitOut(msgspec.Struct):
    id: int
    household_id: int
    visited_on: date
    visitor_id: int | None
    method: str
    findings: str
    follow_up: str
    need_id: int | None
    created_at: datetime
    report_id: int | None = None
    report_code: str | None = None
    report_status: str | None = None


class DueItem(msgspec.Struct):
    """One line of a visit list (走访清单): a household, its focus groups and when it is due."""

    household_id: int
    grid_id: int
    grid_name: str
    building: str
    door: str
    focus_groups: list[str]
    every_days: int
    last_visited_on: date | None
    due_on: date
    overdue: bool
    days_overdue: int


class CoverageRow(msgspec.Struct):
    area_id: int
    area_name: str
    level: str
    focus_households: int
    on_time: int
    rate: float | None  # on_time / focus_households; None when there are none
