"""Request and response shapes of /api/v1/match-runs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from jinlin.core.schemas import Body


class MatchRunIn(Body):
    kind: Literal["allocation", "twinning", "roster"]
    # Required for runs over an area; a kind with its own options may derive it (roster: the activity's area).
    area_id: int | None = None
    time_limit_s: Annotated[float, Meta(gt=0, le=600)] | None = None
    # None: fan out when the area's problem is above JINLIN_MATCH_FANOUT_THRESHOLD (workers only).
    fan_out: bool | None = None
    period: Annotated[int, Meta(ge=2000, le=2100)] | None = None  # twinning: the year
    # The kind's own options, checked by the kind (roster: {"activity_id", "max_hours", "near_only"}).
    options: dict[str, Any] = {}


class MatchRunOut(msgspec.Struct):
    id: int
    kind: str
    area_id: int
    options: dict[str, Any]
    status: str
    progress: float
    phase: str
    objective: float | None
    bound: float | None
    solver_status: str
    stats: dict[str, Any]
    proposals: int
    error: str
    published_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    created_at: datetime
    updated_at: datetime


class MatchRunResult(msgspec.Struct):
    run: MatchRunOut
    result: dict[str, Any]
