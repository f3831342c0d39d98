"""What a supervision report (督查通报) says about an area and a period, as plain JSON-able figures: the
PDF, the XLSX and the page are all drawn from these, so they always agree.

Sections, in order: overview (三率 per sub-area), overdue items (deadline in the period, missed), responders
(units' pledge delays: fastest and slowest) with unanswered calls, grading results of the year, twinning
progress and fairness. A feature can add its own section (e.g. residents' reports escalated) with
``register_section(key, title_msgid, collect)``; its figures are listed in the PDF and the XLSX.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from jinlin.areas.tables import Area
from jinlin.core import clock
from jinlin.core.features import collect as collect_from_features
from jinlin.fairness import service as fairness
from jinlin.reports.period import CHINA, Period
from jinlin.scorecards.metrics import need_counts, rate

TOP = 5
LIST_LIMIT = 20
# key -> (title msgid, collect(area, period) -> {"headers": [msgids], "rows": [[...]]})
Extra = Callable[[dict[str, Any], Period], Awaitable[dict[str, Any]]]
EXTRA_SECTIONS: dict[str, tuple[str, Extra]] = {}


def register_section(key: str, title: str, collect: Extra) -> None:
    """Add a section of plain rows (headers as msgids) to every supervision report."""
    EXTRA_SECTIONS[key] = (title, collect)


def extra_sections() -> dict[str, tuple[str, Extra]]:
    """Registered sections plus each feature's ``supervision.py`` ``SECTIONS`` (read on first use)."""
    for key, title, fn in collect_from_features("supervision", "SECTIONS"):
        EXTRA_SECTIONS.setdefault(key, (title, fn))
    return EXTRA_SECTIONS


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def _kpi(counts: dict[str, float]) -> dict[str, Any]:
    return {
        "published": int(counts["published"]),
        "responded": int(counts["responded"]),
        "resolved": int(counts["resolved"]),
        "on_time": int(counts["on_time"]),
        "response_rate": rate(counts["responded"], counts["published"]),
        "resolution_rate": rate(counts["resolved"], counts["published"]),
        "on_time_rate": rate(counts["on_time"], counts["resolved"]),
    }


async def overview(area: dict[str, Any], span: Period) -> dict[str, Any]:
    children = (
        await Area.select(Area.id, Area.name, Area.level, Area.path)
        .where(Area.parent == area["id"])
        .order_by(Area.name)
    )
    counts = await need_counts([area, *children], span.start, span.end)
    return {
        "total": _kpi(counts[area["id"]]),
        "by_child": [{"name": c["name"], **_kpi(counts[c["id"]])} for c in children],
    }


async def overdue(area: dict[str, Any], span: Period) -> dict[str, Any]:
    """Needs whose resolve-by fell in the period (and has passed) and that were not resolved by then."""
    where = (
        'FROM "need" n JOIN "organization" co ON co.id = n.community_id JOIN "area" a ON a.id = co.area '
        "WHERE a.path LIKE {} AND n.status NOT IN ('draft', 'cancelled') AND n.resolve_by >= {} "
        "AND n.resolve_by < {} AND (n.resolved_at IS NULL OR n.resolved_at > n.resolve_by)"
    )
    args = (f"{area['path']}%", span.start, min(span.end, clock.now()))  # a deadline still ahead is not missed
    count = (await Area.raw(f"SELECT COUNT(*) AS n {where}", *args))[0]["n"]
    rows = await Area.raw(
        f"SELECT n.title AS title, co.name AS community, n.colour AS colour, n.resolve_by AS due, "
        f"n.resolved_at AS resolved_at {where} ORDER BY n.resolve_by LIMIT {LIST_LIMIT}",
        *args,
    )
    return {
        "count": int(count),
        "needs": [
            {
                "title": r["title"],
                "community": r["community"],
                "colour": r["colour"],
                "due": _iso(r["due"]),
                "resolved_at": _iso(r["resolved_at"]),
            }
            for r in rows
        ],
    }


async def responders(area: dict[str, Any], span: Period) -> dict[str, Any]:
    rows = await Area.raw(
        'SELECT o.id AS id, o.name AS name, COUNT(*) AS pledges, SUM(cr.delay_s) AS delay FROM "call_response" cr '
        'JOIN "call" k ON k.id = cr.call_id JOIN "area" a ON a.id = k.area_id '
        "JOIN \"organization\" o ON o.id = cr.organization_id WHERE a.path LIKE {} AND cr.status <> 'withdrawn' "
        "AND cr.created_at >= {} AND cr.created_at < {} GROUP BY o.id, o.name",
        f"{area['path']}%",
        span.start,
        span.end,
    )
    units = [
        {
            "id": r["id"],
            "name": r["name"],
            "pledges": int(r["pledges"]),
            "mean_delay_h": round(int(r["delay"] or 0) / int(r["pledges"]) / 3600, 1),
        }
        for r in rows
    ]
    units.sort(key=lambda u: (u["mean_delay_h"], u["name"]))
    unanswered = await Area.raw(
        "SELECT k.title AS title, o.name AS issuer, k.created_at AS created_at, k.respond_by AS respond_by "
        'FROM "call" k JOIN "area" a ON a.id = k.area_id JOIN "organization" o ON o.id = k.issuer_id '
        "WHERE a.path LIKE {} AND k.created_at >= {} AND k.created_at < {} AND NOT EXISTS (SELECT 1 FROM "
        "\"call_response\" cr WHERE cr.call_id = k.id AND cr.status <> 'withdrawn') ORDER BY k.created_at",
        f"{area['path']}%",
        span.start,
        span.end,
    )
    return {
        "best": units[:TOP],
        "slowest": list(reversed(units[-TOP:])) if len(units) > TOP else list(reversed(units)),
        "unanswered_calls": [
            {
                "title": r["title"],
                "issuer": r["issuer"],
                "created_at": _iso(r["created_at"]),
                "respond_by": _iso(r["respond_by"]),
            }
            for r in unanswered[:LIST_LIMIT]
        ],
        "unanswered_count": len(unanswered),
    }


async def grading(area: dict[str, Any], span: Period) -> dict[str, Any]:
    year = span.start.astimezone(CHINA).year
    county_id = int(area["path"].strip("/").split("/")[0])
    rows = await Area.raw(
        "SELECT o.id AS id, o.name AS name, g.kind AS kind, g.score AS score, g.grade AS grade, g.rank AS rank, "
        'g.rank_of AS rank_of FROM "grade_result" g JOIN "grading_round" k ON k.id = g.round '
        'JOIN "organization" o ON o.id = g.organization JOIN "area" a ON a.id = o.area '
        "WHERE k.county = {} AND k.year = {} AND k.status = 'closed' AND a.path LIKE {} ORDER BY g.kind, g.rank, o.name",
        county_id,
        year,
        f"{area['path']}%",
    )
    distribution = {g: 0 for g in ("excellent", "good", "fair", "poor")}
    for r in rows:
        distribution[r["grade"]] += 1
    return {
        "year": year,
        "distribution": distribution,
        "results": [
            {
                "id": r["id"],
                "name": r["name"],
                "kind": r["kind"],
                "score": float(r["score"]),
                "grade": r["grade"],
                "rank": int(r["rank"]),
                "rank_of": int(r["rank_of"]),
            }
            for r in rows
        ],
    }


async def twinning(area: dict[str, Any], span: Period) -> dict[str, Any]:
    year = span.start.astimezone(CHINA).year
    rows = await Area.raw(
        'SELECT t.status AS status, COUNT(*) AS n FROM "twinning" t JOIN "organization" co ON co.id = t.community_id '
        'JOIN "area" a ON a.id = co.area WHERE a.path LIKE {} AND t.period = {} GROUP BY t.status',
        f"{area['path']}%",
        year,
    )
    by_status = {s: 0 for s in ("proposed", "active", "ended", "declined")}
    for r in rows:
        by_status[r["status"]] = int(r["n"])
    return {"year": year, "by_status": by_status}


async def fairness_figures(area: dict[str, Any], span: Period) -> dict[str, Any]:
    f = await fairness.figures(area, span)
    return {
        "weakest_share": f.weakest_share,
        "average_share": f.average_share,
        "gini": f.gini,
        "weakest_count": len(f.weakest_ids),
        "weakest_twinned": f.weakest_twinned,
        "least_helped": [
            {"name": c.name, "weakness": c.weakness, "needs": c.needs, "met_share": c.met_share} for c in f.least_helped
        ],
    }


SECTIONS: list[tuple[str, Callable[[dict[str, Any], Period], Awaitable[dict[str, Any]]]]] = [
    ("overview", overview),
    ("overdue", overdue),
    ("responders", responders),
    ("grading", grading),
    ("twinning", twinning),
    ("fairness", fairness_figures),
]


async def collect(
    area: dict[str, Any], span: Period, progress: Callable[[float, str], Awaitable[None]] | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "area": {"id": area["id"], "name": area["name"], "level": area["level"]},
        "period": span.label,
        "generated_at": _iso(clock.now()),
    }
    steps = [*SECTIONS, *((k, c) for k, (_, c) in extra_sections().items())]
    for i, (key, fn) in enumerate(steps):
        out[key] = await fn(area, span)
        if progress is not None:
            await progress(0.1 + 0.6 * (i + 1) / len(steps), key)
    return out
