"""走访覆盖率 on the performance scorecard (年度绩效): the share of focus households visited within their due
frequency at the period's end (or now, for the year under way), by the one computation the coverage page uses
(``visits.coverage.on_time_by_household``), rolled up to each area asked about by path."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinlin.core import clock
from jinlin.scorecards.metric import Metric
from jinlin.scorecards.metrics import common_prefix, rate
from jinlin.visits.coverage import on_time_by_household


async def _coverage(areas: list[dict[str, Any]], start: datetime, end: datetime) -> dict[int, float | None]:
    if not areas:
        return {}
    items = await on_time_by_household(common_prefix(areas), min(end, clock.now()))
    out: dict[int, float | None] = {}
    for a in areas:
        inside = [ok for path, ok in items if path.startswith(a["path"])]
        out[a["id"]] = rate(sum(inside), len(inside))
    return out


METRICS = [Metric("visit_coverage", "Household visit coverage", _coverage)]
