"""Residents' reports' metrics on the performance scorecard (年度绩效): 响应率, 按时办结率 and 满意率, as
``resident_reports.kpis`` defines them (reports received in the year under the area)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinlin.resident_reports.kpis import totals
from jinlin.scorecards.metric import Metric


async def _rates(areas: list[dict[str, Any]], start: datetime, end: datetime, key: str) -> dict[int, float | None]:
    return {a["id"]: (await totals(start, end, a["path"])).rates[key] for a in areas}


async def _response(areas: list[dict[str, Any]], start: datetime, end: datetime) -> dict[int, float | None]:
    return await _rates(areas, start, end, "response_rate")


async def _on_time(areas: list[dict[str, Any]], start: datetime, end: datetime) -> dict[int, float | None]:
    return await _rates(areas, start, end, "on_time_rate")


async def _satisfaction(areas: list[dict[str, Any]], start: datetime, end: datetime) -> dict[int, float | None]:
    return await _rates(areas, start, end, "satisfaction_rate")


METRICS = [
    Metric("report_response_rate", "Residents' reports response rate", _response),
    Metric("report_on_time_rate", "Residents' reports resolved on time", _on_time),
    Metric("report_satisfaction_rate", "Residents' reports satisfaction", _satisfaction),
]
