"""KPIs of 接诉即办, computed in SQL from the report rows, per worker, grid, community or street and period.

Counted: reports filed in the period inside the area's subtree, near-duplicates excluded (linked, not
counted twice). Reports from household visits (source ``visit``) count in every rate but satisfaction: the
grid handled them like any other, but no resident rates them. For a group:
- 响应率 response rate = accepted / received;       解决率 resolution rate = resolved / received;
- 满意率 satisfaction rate = 满意 + 基本满意 / rated; 按时办结率 on-time rate = first resolved by resolve-by / resolved;
- 一次性办结率 first-time rate = resolved and never reopened / resolved; 重办率 reopen rate = reopened / resolved;
- 催办率 chase rate = chased at least once / received;
- average response and resolution time (hours from filing) by colour.
A rate with nothing to divide by is None, shown as "—".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jinlin.areas.tables import Area
from jinlin.auth.principal import Principal
from jinlin.core.db import is_sqlite
from jinlin.core.errors import Invalid, NotFound
from jinlin.reports.period import Period, parse_period
from jinlin.resident_reports.access import storable
from jinlin.resident_reports.tables import ResidentReport

GROUPS = {"worker": "r.owner", "grid": "r.grid", "community": "r.community_area", "street": "r.street_area"}
COUNTS = {
    "received": "COUNT(*)",
    "responded": "SUM(CASE WHEN r.responded_at IS NOT NULL THEN 1 ELSE 0 END)",
    "resolved": "SUM(CASE WHEN r.first_resolved_at IS NOT NULL THEN 1 ELSE 0 END)",
    "resolved_on_time": "SUM(CASE WHEN r.first_resolved_on_time THEN 1 ELSE 0 END)",
    "first_time": "SUM(CASE WHEN r.first_resolved_at IS NOT NULL AND r.reopen_count = 0 THEN 1 ELSE 0 END)",
    "reopened": "SUM(CASE WHEN r.reopen_count > 0 THEN 1 ELSE 0 END)",
    "chased": "SUM(CASE WHEN r.chase_count > 0 THEN 1 ELSE 0 END)",
    # A visit's follow-up has no resident to rate it: never in the satisfaction rate, whatever its row holds.
    "rated": "SUM(CASE WHEN r.satisfaction IS NOT NULL AND r.source <> 'visit' THEN 1 ELSE 0 END)",
    "satisfied": "SUM(CASE WHEN r.satisfaction IN ('satisfied', 'basically') AND r.source <> 'visit' "
    "THEN 1 ELSE 0 END)",
}


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass
class ReportKpis:
    received: int = 0
    responded: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    first_time: int = 0
    reopened: int = 0
    chased: int = 0
    rated: int = 0
    satisfied: int = 0

    @property
    def rates(self) -> dict[str, float | None]:
        return {
            "response_rate": _rate(self.responded, self.received),
            "resolution_rate": _rate(self.resolved, self.received),
            "satisfaction_rate": _rate(self.satisfied, self.rated),
            "on_time_rate": _rate(self.resolved_on_time, self.resolved),
            "first_time_rate": _rate(self.first_time, self.resolved),
            "chase_rate": _rate(self.chased, self.received),
            "reopen_rate": _rate(self.reopened, self.resolved),
        }


@dataclass
class KpiTable:
    period: Period
    area: dict[str, Any]
    group: str
    total: ReportKpis
    rows: list[tuple[int | None, str, ReportKpis]] = field(default_factory=list)  # ranked
    hours_by_colour: dict[str, dict[str, float | None]] = field(default_factory=dict)
    trend: list[tuple[str, dict[str, float | None]]] = field(default_factory=list)
    overdue: int = 0  # open and overdue now (core.deadlines), in the area


def _seconds(later: str, earlier: str) -> str:
    if is_sqlite():
        return f"((julianday({later}) - julianday({earlier})) * 86400.0)"
    return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"


def _where() -> str:
    return "r.duplicate_of IS NULL AND r.created_at >= {} AND r.created_at < {} AND a.path LIKE {}"


async def _rows(select: str, group_by: str, start: datetime, end: datetime, path: str) -> list[dict[str, Any]]:
    sql = (
        f"SELECT {select} FROM resident_report r JOIN area a ON a.id = r.area WHERE {_where()}"
        f"{' GROUP BY ' + group_by if group_by else ''}"
    )
    return await ResidentReport.raw(sql, start, end, f"{path}%")


def _kpis(row: dict[str, Any]) -> ReportKpis:
    return ReportKpis(**{k: int(row.get(k) or 0) for k in COUNTS})


async def totals(start: datetime, end: datetime, path: str) -> ReportKpis:
    rows = await _rows(", ".join(f"{expr} AS {name}" for name, expr in COUNTS.items()), "", start, end, path)
    return _kpis(rows[0]) if rows else ReportKpis()


async def _names(group: str, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    if group == "worker":
        from jinlin.accounts.tables import Account

        return {
            r["id"]: r["display_name"]
            for r in await Account.select(Account.id, Account.display_name).where(Account.id.is_in(ids))
        }
    return {r["id"]: r["name"] for r in await Area.select(Area.id, Area.name).where(Area.id.is_in(ids))}


async def summary(path: str, period: Period) -> dict[str, Any]:
    """Counts and rates of the reports filed in ``period`` under ``path`` (for the 三率 report's API)."""
    from dataclasses import asdict

    total = await totals(period.start, period.end, path)
    return {"counts": asdict(total), **total.rates}


def _months(period: Period) -> list[Period]:
    """The months of a quarter or year; for one month, it and the five before it."""
    from datetime import timedelta

    start = period.start
    if period.end - period.start < timedelta(days=32):
        for _ in range(5):
            start = (start - timedelta(days=1)).replace(day=1)
    out: list[Period] = []
    while start < period.end:
        out.append(parse_period(f"{start.year}-{start.month:02d}"))
        start = out[-1].end
    return out


async def kpi_table(
    principal: Principal, *, area_id: int | None = None, period: str | None = None, group: str = "grid"
) -> KpiTable:
    if group not in GROUPS:
        raise Invalid("Bad grouping", {"by": "one of worker, grid, community, street"})
    if area_id is None:
        m = principal.primary
        if m is None or not principal.is_staff:
            raise NotFound("No area to report on")
        area_id = m.area_id
    if not storable(area_id):
        raise Invalid("No such area", {"area_id": "no such area"})
    area = await Area.select().where(Area.id == area_id).first()
    if area is None or not principal.covers_area(area["path"]):
        raise NotFound("Area not found")
    span = parse_period(period)
    path = area["path"]
    total = await totals(span.start, span.end, path)
    key = GROUPS[group]
    select = ", ".join([f"{key} AS key", *(f"{expr} AS {name}" for name, expr in COUNTS.items())])
    grouped = [r for r in await _rows(select, key, span.start, span.end, path) if r["key"] is not None]
    names = await _names(group, [int(r["key"]) for r in grouped])
    rows: list[tuple[int | None, str, ReportKpis]] = [
        (int(r["key"]), names.get(int(r["key"]), ""), _kpis(r)) for r in grouped
    ]
    # Ranking: most resolved on time first, then the best response rate, then by name (stable).
    rows.sort(
        key=lambda t: (
            -(t[2].rates["on_time_rate"] or 0),
            -(t[2].rates["resolution_rate"] or 0),
            -(t[2].rates["response_rate"] or 0),
            t[1],
        )
    )
    timing = ", ".join(
        [
            "r.colour AS colour",
            f"AVG(CASE WHEN r.responded_at IS NOT NULL THEN {_seconds('r.responded_at', 'r.created_at')} END) AS respond_s",
            f"AVG(CASE WHEN r.first_resolved_at IS NOT NULL THEN {_seconds('r.first_resolved_at', 'r.created_at')} END)"
            " AS resolve_s",
        ]
    )
    hours = {}
    for r in await _rows(timing, "r.colour", span.start, span.end, path):
        hours[r["colour"]] = {
            k: round(float(r[f"{k}_s"]) / 3600, 2) if r[f"{k}_s"] is not None else None for k in ("respond", "resolve")
        }
    trend = [(m.label, (await totals(m.start, m.end, path)).rates) for m in _months(span)]
    from jinlin.resident_reports.service import overdue_where

    overdue = await ResidentReport.count().where(
        overdue_where() & ResidentReport.area.path.like(f"{path}%") & ResidentReport.duplicate_of.is_null()
    )
    return KpiTable(
        period=span, area=area, group=group, total=total, rows=rows, hours_by_colour=hours, trend=trend, overdue=overdue
    )
