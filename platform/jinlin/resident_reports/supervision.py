"""The residents' reports section of supervision reports (督查通报): reports filed in the period and area that
are overdue now or were escalated (督办). Collected by ``jinlin.supervision.figures`` from ``SECTIONS``."""

from __future__ import annotations

from typing import Any

from jinlin.reports.period import CHINA, Period
from jinlin.resident_reports.service import overdue_where
from jinlin.resident_reports.tables import ResidentReport

LIST_LIMIT = 50
HEADERS = ["Tracking code", "Where", "Category", "Status", "Due", "Overdue", "Escalations"]


def _at(value: Any) -> str:
    return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if value is not None else ""


async def overdue_or_escalated(area: dict[str, Any], span: Period) -> dict[str, Any]:
    """Only codes, places and states: no resident's name, phone or description (PIPL, minimum necessary)."""
    overdue_ids = ResidentReport.select(ResidentReport.id).where(overdue_where())
    base = (
        ResidentReport.area.path.like(f"{area['path']}%")
        & ResidentReport.duplicate_of.is_null()
        & (ResidentReport.created_at >= span.start)
        & (ResidentReport.created_at < span.end)
    )
    rows = (
        await ResidentReport.select(
            ResidentReport.id,
            ResidentReport.code,
            ResidentReport.area.name,
            ResidentReport.category,
            ResidentReport.status,
            ResidentReport.respond_by,
            ResidentReport.resolve_by,
            ResidentReport.escalation_count,
        )
        .where(base & ((ResidentReport.escalation_count > 0) | ResidentReport.id.is_in(overdue_ids)))
        .order_by(ResidentReport.created_at)
        .limit(LIST_LIMIT)
    )
    late = {r["id"] for r in await ResidentReport.select(ResidentReport.id).where(base & overdue_where())}
    return {
        "headers": HEADERS,
        "rows": [
            [
                r["code"],
                r["area.name"],
                r["category"],
                r["status"],
                _at(r["resolve_by"] or r["respond_by"]),
                "✓" if r["id"] in late else "",
                r["escalation_count"],
            ]
            for r in rows
        ],
    }


# (key, title msgid, collect)
SECTIONS = [("resident_reports", "Residents' reports overdue or escalated", overdue_or_escalated)]
