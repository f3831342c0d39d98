"""Request and response shapes of /api/v1/supervision-reports (督查通报)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from jinlin.core.schemas import Body


class ReportIn(Body):
    area_id: Annotated[int, Meta(ge=1)]
    period: Annotated[str, Meta(max_length=10)] | None = None


class ReportOut(msgspec.Struct):
    id: int
    area_id: int
    area_name: str
    period: str
    kind: str
    status: str
    progress: float
    phase: str
    issuing_office: str
    pages: int
    error: str
    figures: dict[str, Any]
    published_to: list[int]
    published_at: datetime | None
    created_at: datetime
    finished_at: datetime | None


class ScheduleIn(Body):
    enabled: bool
    publish: bool = False


class ScheduleOut(msgspec.Struct):
    area_id: int
    enabled: bool
    publish: bool
