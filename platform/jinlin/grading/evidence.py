"""The year's evidence between communities and co-building units, computed in SQL for a whole county at
once (one grouped query per kind of evidence), and the suggested scores it gives (docs/grading.md).

Who grades whom: a community and a unit worked together in the year when the unit was registered with it
(报到), pledged to its calls, was matched with it (a match accepted by both), or twinned with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jinlin.areas.tables import Area
from jinlin.core import clock
from jinlin.grading.config import COMPONENTS, Config
from jinlin.orgs.tables import UNIT_KINDS

Pair = tuple[int, int]  # (community id, unit id)
_UNITS = "(" + ", ".join(f"'{k}'" for k in sorted(UNIT_KINDS)) + ")"
_COMMUNITY_IN = (
    'JOIN "organization" co ON co.id = {col} JOIN "area" ca ON ca.id = co.area '
    "WHERE co.kind = 'community' AND ca.path LIKE {{}}"
)


@dataclass
class PairEvidence:
    basis: set[str] = field(default_factory=set)
    pledges: int = 0
    pledge_delay_s: int = 0
    pledges_matched: int = 0
    matches: int = 0
    matches_on_time: int = 0
    minutes: int = 0
    twinning: str | None = None
    # Visible ratings by direction: {"community_to_unit": (count, sum), ...}
    ratings: dict[str, tuple[int, int]] = field(default_factory=dict)
    twinning_rating: dict[str, int] = field(default_factory=dict)


def _sql(template: str, community_col: str) -> str:
    return template.replace("{community_join}", _COMMUNITY_IN.format(col=community_col))


async def _raw(sql: str, *args: Any) -> list[dict[str, Any]]:
    return await Area.raw(sql, *args)


async def collect(county_path: str, start: datetime, end: datetime, year: int) -> dict[Pair, PairEvidence]:
    """Every (community, unit) pair of the county that worked together in [start, end), with its evidence."""
    like = f"{county_path}%"
    out: dict[Pair, PairEvidence] = {}

    def at(c: int, u: int) -> PairEvidence:
        return out.setdefault((c, u), PairEvidence())

    for r in await _raw(
        _sql(
            'SELECT r.community AS c, r.organization AS u FROM "registration" r '
            'JOIN "organization" uo ON uo.id = r.organization {community_join} '
            f"AND r.kind = 'unit' AND uo.kind IN {_UNITS} AND r.registered_at < {{}} "
            "AND (r.ended_at IS NULL OR r.ended_at >= {}) GROUP BY r.community, r.organization",
            "r.community",
        ),
        like,
        end,
        start,
    ):
        at(r["c"], r["u"]).basis.add("registered")
    for r in await _raw(
        _sql(
            "SELECT k.issuer_id AS c, cr.organization_id AS u, COUNT(*) AS n, SUM(cr.delay_s) AS delay, "
            "SUM(CASE WHEN cr.status = 'matched' THEN 1 ELSE 0 END) AS matched "
            'FROM "call_response" cr JOIN "call" k ON k.id = cr.call_id JOIN "organization" uo ON uo.id = cr.organization_id '
            f"{{community_join}} AND uo.kind IN {_UNITS} AND cr.status <> 'withdrawn' "
            "AND cr.created_at >= {} AND cr.created_at < {} GROUP BY k.issuer_id, cr.organization_id",
            "k.issuer_id",
        ),
        like,
        start,
        end,
    ):
        e = at(r["c"], r["u"])
        e.basis.add("called")
        e.pledges, e.pledge_delay_s, e.pledges_matched = int(r["n"]), int(r["delay"] or 0), int(r["matched"] or 0)
    for r in await _raw(
        _sql(
            "SELECT m.community_id AS c, m.provider_id AS u, COUNT(*) AS n, "
            "SUM(CASE WHEN m.status = 'completed' AND (nd.resolve_by IS NULL OR m.completed_at <= nd.resolve_by) "
            'THEN 1 ELSE 0 END) AS on_time FROM "match" m JOIN "need" nd ON nd.id = m.need_id '
            'JOIN "organization" uo ON uo.id = m.provider_id '
            f"{{community_join}} AND uo.kind IN {_UNITS} AND m.status IN ('accepted', 'in_progress', 'completed') "
            "AND m.created_at >= {} AND m.created_at < {} GROUP BY m.community_id, m.provider_id",
            "m.community_id",
        ),
        like,
        start,
        end,
    ):
        e = at(r["c"], r["u"])
        e.basis.add("matched")
        e.matches, e.matches_on_time = int(r["n"]), int(r["on_time"] or 0)
    for r in await _raw(
        _sql(
            'SELECT t.community_id AS c, t.helper_id AS u, MIN(t.status) AS status FROM "twinning" t '
            'JOIN "organization" uo ON uo.id = t.helper_id '
            f"{{community_join}} AND uo.kind IN {_UNITS} AND t.period = {{}} AND t.status IN ('active', 'ended') "
            "GROUP BY t.community_id, t.helper_id",
            "t.community_id",
        ),
        like,
        year,
    ):
        e = at(r["c"], r["u"])
        e.basis.add("twinned")
        e.twinning = r["status"]
    if not out:
        return out
    # Evidence that does not pair organisations by itself: hours, ratings.
    for r in await _raw(
        'SELECT co.id AS c, act.organizer AS u, SUM(s.minutes) AS minutes FROM "signup" s '
        'JOIN "shift" sh ON sh.id = s.shift JOIN "activity" act ON act.id = sh.activity '
        'JOIN "area" aa ON aa.id = act.area JOIN "organization" co ON co.kind = \'community\' '
        "JOIN \"area\" ca ON ca.id = co.area AND aa.path LIKE ca.path || '%' "
        "WHERE s.status = 'completed' AND s.minutes IS NOT NULL AND ca.path LIKE {} "
        "AND sh.starts_at >= {} AND sh.starts_at < {} GROUP BY co.id, act.organizer",
        like,
        start,
        end,
    ):
        if (r["c"], r["u"]) in out:
            out[(r["c"], r["u"])].minutes = int(r["minutes"] or 0)
    for r in await _raw(
        "SELECT r.subject_type AS st, r.rater_organization_id AS rater, r.ratee_organization_id AS ratee, "
        'COUNT(*) AS n, SUM(r.score) AS total FROM "rating" r '
        "WHERE r.subject_type IN ('match', 'twinning') AND r.rater_organization_id IS NOT NULL "
        "AND r.ratee_organization_id IS NOT NULL AND r.created_at >= {} AND r.created_at < {} "
        # The blind rule: only ratings already visible (both sides rated, or the window closed) count.
        'AND (r.window_closes_at <= {} OR EXISTS (SELECT 1 FROM "rating" o WHERE o.subject_type = r.subject_type '
        "AND o.subject_id = r.subject_id AND o.rater_side <> r.rater_side)) "
        "GROUP BY r.subject_type, r.rater_organization_id, r.ratee_organization_id",
        start,
        end,
        clock.now(),
    ):
        for pair, direction in (
            ((r["rater"], r["ratee"]), "community_to_unit"),
            ((r["ratee"], r["rater"]), "unit_to_community"),
        ):
            if pair in out:
                if r["st"] == "match":
                    out[pair].ratings[direction] = (int(r["n"]), int(r["total"]))
                else:
                    out[pair].twinning_rating[direction] = round(int(r["total"]) / int(r["n"]))
    return out


def _delay_score(hours: float) -> int:
    for limit, score in ((4, 5), (24, 4), (72, 3), (168, 2)):
        if hours <= limit:
            return score
    return 1


def components(e: PairEvidence, direction: str) -> dict[str, float]:
    """Each kind of evidence as a 1-5 score, for the side being graded; absent evidence is left out."""
    out: dict[str, float] = {}
    n, total = e.ratings.get(direction, (0, 0))
    if n:
        out["ratings"] = round(total / n, 2)
    if direction == "community_to_unit" and e.pledges:
        out["call_delay"] = _delay_score(e.pledge_delay_s / e.pledges / 3600)
        out["pledges_fulfilled"] = round(1 + 4 * e.pledges_matched / e.pledges, 2)
    if e.matches:
        out["on_time"] = round(1 + 4 * e.matches_on_time / e.matches, 2)
    if direction == "community_to_unit" and e.minutes:
        out["activity_hours"] = round(1 + 4 * min(1.0, e.minutes / 60 / 40), 2)
    if e.twinning:
        out["twinning"] = e.twinning_rating.get(direction, 4)
    return out


def _half_up(x: float) -> int:
    return max(1, min(5, int(x + 0.5)))


def suggest(config: Config, comps: dict[str, float]) -> tuple[dict[str, int], float]:
    """Suggested 1-5 per rubric item (the mean of its sources present, else of all evidence, else 3)."""
    everything = [comps[k] for k in COMPONENTS if k in comps]
    items: dict[str, int] = {}
    for item in config.rubric:
        values = [comps[s] for s in item.get("sources", []) if s in comps] or everything
        items[item["key"]] = _half_up(sum(values) / len(values)) if values else 3
    return items, config.weighted(items)


def evidence_view(e: PairEvidence, direction: str) -> dict[str, Any]:
    """What the grader sees beside the form (stored with the assignment)."""
    n, total = e.ratings.get(direction, (0, 0))
    return {
        "basis": sorted(e.basis),
        "ratings": n,
        "rating_mean": round(total / n, 2) if n else None,
        "pledges": e.pledges if direction == "community_to_unit" else 0,
        "pledge_delay_h": round(e.pledge_delay_s / e.pledges / 3600, 1) if e.pledges else None,
        "pledges_matched": e.pledges_matched if direction == "community_to_unit" else 0,
        "matches": e.matches,
        "matches_on_time": e.matches_on_time,
        "activity_hours": round(e.minutes / 60, 1) if direction == "community_to_unit" else 0,
        "twinning": e.twinning,
        "components": components(e, direction),
    }
