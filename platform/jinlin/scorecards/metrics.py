"""The built-in scorecard metrics, each one grouped SQL query rolled up to the areas asked about by path.

- 三率 and the on-time rate, as docs/reports.md defines them, over needs published in the period (by the
  need's own area, so grids get theirs too);
- calls answered: calls issued in the area in the period that got at least one pledge;
- twinning: the year's pairs in the area that became active (or ran their course) among those proposed;
- grading: the mean grade score of the area's communities in the year's closed round, (score − 1) ÷ 4.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinlin.areas.tables import Area
from jinlin.reports.period import CHINA
from jinlin.reports.service import SATISFIED_SCORE
from jinlin.scorecards.metric import Metric


def rate(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def roll_up(areas: list[dict[str, Any]], rows: list[dict[str, Any]], *fields: str) -> dict[int, dict[str, float]]:
    """Sum ``fields`` of rows keyed by an area ``path`` into each asked area whose subtree holds them."""
    out = {}
    for a in areas:
        sums = dict.fromkeys(fields, 0.0)
        for r in rows:
            if r["path"].startswith(a["path"]):
                for f in fields:
                    sums[f] += float(r[f] or 0)
        out[a["id"]] = sums
    return out


def common_prefix(areas: list[dict[str, Any]]) -> str:
    paths = [a["path"] for a in areas]
    prefix = paths[0] if paths else "/"
    for p in paths[1:]:
        while not p.startswith(prefix):
            prefix = prefix[: prefix[:-1].rfind("/") + 1]
    return prefix


async def need_counts(areas: list[dict[str, Any]], start: datetime, end: datetime) -> dict[int, dict[str, float]]:
    if not areas:
        return {}
    rows = await Area.raw(
        "SELECT a.path AS path, COUNT(*) AS published, "
        "SUM(CASE WHEN n.responded_at IS NOT NULL THEN 1 ELSE 0 END) AS responded, "
        "SUM(CASE WHEN n.resolved_at IS NOT NULL THEN 1 ELSE 0 END) AS resolved, "
        "SUM(CASE WHEN n.resolved_at IS NOT NULL AND (n.resolve_by IS NULL OR n.resolved_at <= n.resolve_by) "
        'THEN 1 ELSE 0 END) AS on_time FROM "need" n JOIN "area" a ON a.id = n.area_id '
        "WHERE a.path LIKE {} AND n.published_at >= {} AND n.published_at < {} GROUP BY a.path",
        f"{common_prefix(areas)}%",
        start,
        end,
    )
    return roll_up(areas, rows, "published", "responded", "resolved", "on_time")


async def _response(areas, start, end):
    return {k: rate(v["responded"], v["published"]) for k, v in (await need_counts(areas, start, end)).items()}


async def _resolution(areas, start, end):
    return {k: rate(v["resolved"], v["published"]) for k, v in (await need_counts(areas, start, end)).items()}


async def _on_time(areas, start, end):
    return {k: rate(v["on_time"], v["resolved"]) for k, v in (await need_counts(areas, start, end)).items()}


async def _satisfaction(areas, start, end):
    if not areas:
        return {}
    rows = await Area.raw(
        f"SELECT a.path AS path, COUNT(*) AS ratings, SUM(CASE WHEN r.score >= {SATISFIED_SCORE} THEN 1 ELSE 0 END) "
        'AS satisfied FROM "rating" r JOIN "match" m ON m.id = r.subject_id JOIN "need" n ON n.id = m.need_id '
        "JOIN \"area\" a ON a.id = n.area_id WHERE r.subject_type = 'match' AND r.rater_side = 'community' "
        "AND m.status = 'completed' AND m.completed_at >= {} AND m.completed_at < {} AND a.path LIKE {} "
        "GROUP BY a.path",
        start,
        end,
        f"{common_prefix(areas)}%",
    )
    return {k: rate(v["satisfied"], v["ratings"]) for k, v in roll_up(areas, rows, "ratings", "satisfied").items()}


async def _calls(areas, start, end):
    if not areas:
        return {}
    rows = await Area.raw(
        'SELECT a.path AS path, COUNT(*) AS calls, SUM(CASE WHEN EXISTS (SELECT 1 FROM "call_response" cr '
        "WHERE cr.call_id = k.id AND cr.status <> 'withdrawn') THEN 1 ELSE 0 END) AS answered "
        'FROM "call" k JOIN "area" a ON a.id = k.area_id WHERE a.path LIKE {} AND k.created_at >= {} '
        "AND k.created_at < {} GROUP BY a.path",
        f"{common_prefix(areas)}%",
        start,
        end,
    )
    return {k: rate(v["answered"], v["calls"]) for k, v in roll_up(areas, rows, "calls", "answered").items()}


async def _twinning(areas, start, end):
    if not areas:
        return {}
    year = start.astimezone(CHINA).year
    rows = await Area.raw(
        "SELECT a.path AS path, COUNT(*) AS pairs, SUM(CASE WHEN t.status IN ('active', 'ended') THEN 1 ELSE 0 END) "
        'AS going FROM "twinning" t JOIN "organization" co ON co.id = t.community_id JOIN "area" a ON a.id = co.area '
        "WHERE a.path LIKE {} AND t.period = {} AND t.status <> 'declined' GROUP BY a.path",
        f"{common_prefix(areas)}%",
        year,
    )
    return {k: rate(v["going"], v["pairs"]) for k, v in roll_up(areas, rows, "pairs", "going").items()}


async def _grading(areas, start, end):
    if not areas:
        return {}
    year = start.astimezone(CHINA).year
    rows = await Area.raw(
        'SELECT a.path AS path, COUNT(*) AS n, SUM(g.score) AS total FROM "grade_result" g '
        'JOIN "grading_round" k ON k.id = g.round JOIN "organization" o ON o.id = g.organization '
        "JOIN \"area\" a ON a.id = o.area WHERE o.kind = 'community' AND k.year = {} AND k.status = 'closed' "
        "AND a.path LIKE {} GROUP BY a.path",
        year,
        f"{common_prefix(areas)}%",
    )
    out = {}
    for k, v in roll_up(areas, rows, "n", "total").items():
        out[k] = round((v["total"] / v["n"] - 1) / 4, 4) if v["n"] else None
    return out


METRICS = [
    Metric("response_rate", "Response rate", _response),
    Metric("resolution_rate", "Resolution rate", _resolution),
    Metric("on_time_rate", "On-time rate", _on_time),
    Metric("satisfaction_rate", "Satisfaction rate", _satisfaction),
    Metric("calls_answered", "Calls answered", _calls),
    Metric(
        "twinning_active",
        "Twinning under way",
        _twinning,
        levels=frozenset({"street", "community"}),
        default_weight=0.5,
    ),
    Metric("grading", "Grading score", _grading, levels=frozenset({"street", "community"}), default_weight=2.0),
]
