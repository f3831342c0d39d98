"""例会规范率 on the performance scorecard (年度绩效): of the grid-months of the period that are over, the share
in which the grid held its meeting, by the rule the monthly overview flags missed months with
(``meetings.service.missed``), rolled up from the grids to each area asked about by path. A grid owes the
months that begin on or after the day it was set up."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinlin.areas.tables import Area
from jinlin.core import clock
from jinlin.meetings.service import held_by_grid, missed, months_of
from jinlin.scorecards.metric import Metric
from jinlin.scorecards.metrics import common_prefix, rate
from jinlin.visits.due import local_date


async def _regularity(areas: list[dict[str, Any]], start: datetime, end: datetime) -> dict[int, float | None]:
    if not areas:
        return {}
    grids = await Area.select(Area.id, Area.path, Area.created_at).where(
        Area.path.like(f"{common_prefix(areas)}%") & (Area.level == "grid")
    )
    first, last = local_date(start), local_date(end)
    today = local_date(clock.now())
    months = [(m_start, m_end) for m_start, m_end in months_of(first, last) if today >= m_end]  # months over
    meetings = await held_by_grid([g["id"] for g in grids], first, last)
    due: dict[int, int] = {}  # grid id -> months over since the grid was set up (a new grid owes no past months)
    held: dict[int, int] = {}  # grid id -> of those, months in which it met
    for g in grids:
        owed = [(m_start, m_end) for m_start, m_end in months if m_start >= local_date(g["created_at"])]
        due[g["id"]] = len(owed)
        held[g["id"]] = sum(
            1
            for m_start, m_end in owed
            if not missed(
                [r["id"] for r in meetings if r["grid"] == g["id"] and m_start <= r["held_on"] < m_end], m_end, today
            )
        )
    out: dict[int, float | None] = {}
    for a in areas:
        inside = [g["id"] for g in grids if g["path"].startswith(a["path"])]
        out[a["id"]] = rate(sum(held[i] for i in inside), sum(due[i] for i in inside))
    return out


METRICS = [Metric("meeting_regularity", "Grid meeting regularity", _regularity)]
