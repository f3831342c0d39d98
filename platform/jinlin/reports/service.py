"""三率 and deadlines: response, resolution, satisfaction and on-time rates for an area or organisation.

Definitions (documented in docs/reports.md):
- the needs counted are those published in the period, in the area's subtree (or of one community);
- response rate = needs that got a response (a match proposed or a pledge) / needs published;
- resolution rate = needs resolved / needs published;
- on-time rate = needs resolved by their resolve-by deadline / needs resolved;
- satisfaction rate = communities' ratings of providers with a score of 4 or 5 / all such ratings, for
  matches completed in the period.
A rate with nothing to divide by is ``None`` (shown as "—"), never a made-up 0 or 100 %.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jinlin.areas.tables import Area
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.errors import NotFound
from jinlin.needs.service import overdue_clause
from jinlin.needs.tables import Need
from jinlin.orgs.tables import Organization
from jinlin.reports.period import Period, parse_period

SATISFIED_SCORE = 4


@dataclass
class Kpis:
    published: int = 0
    responded: int = 0
    responded_on_time: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    ratings: int = 0
    satisfied: int = 0

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    @property
    def response_rate(self) -> float | None:
        return self._rate(self.responded, self.published)

    @property
    def resolution_rate(self) -> float | None:
        return self._rate(self.resolved, self.published)

    @property
    def on_time_rate(self) -> float | None:
        return self._rate(self.resolved_on_time, self.resolved)

    @property
    def satisfaction_rate(self) -> float | None:
        return self._rate(self.satisfied, self.ratings)


@dataclass
class Report:
    period: Period
    area: dict[str, Any] | None
    organization: dict[str, Any] | None
    total: Kpis
    by_child: list[tuple[dict[str, Any], Kpis]] = field(default_factory=list)
    overdue: list[dict[str, Any]] = field(default_factory=list)  # the first OVERDUE_LISTED, soonest first
    overdue_count: int = 0
    path: str = ""  # the area path the report covers (the community's for an organisation)


async def _scope(
    principal: Principal, area_id: int | None, organization_id: int | None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, str]:
    """The area (or community) reported on, and the area path that bounds it; 404 outside one's scope."""
    if organization_id is not None:
        org = (
            await Organization.select(*Organization.all_columns(), Organization.area.path.as_alias("area_path"))
            .where(Organization.id == organization_id)
            .first()
        )
        if org is None or not (principal.covers_area(org["area_path"]) or principal.acts_for(organization_id)):
            raise NotFound("Organization not found")
        return None, org, org["area_path"]
    if area_id is None:
        m = principal.primary
        if m is None or not principal.is_staff:
            raise NotFound("No area to report on")
        area_id = m.area_id
    area = await Area.select().where(Area.id == area_id).first()
    if area is None or not principal.covers_area(area["path"]):
        raise NotFound("Area not found")
    return area, None, area["path"]


# Counted in the database, one row per community (a city has about 1 200), then summed per child area:
# a city's year is ~50 000 needs, which are never loaded. The same SQL runs on SQLite and PostgreSQL.
# Needs are grouped by community first and only the groups joined to their areas (not every need).
_NEED_COUNTS = """
SELECT a.path AS path, x.published, x.responded, x.responded_on_time, x.resolved, x.resolved_on_time FROM (
  SELECT n.community_id AS community, COUNT(*) AS published,
    SUM(CASE WHEN n.responded_at IS NOT NULL THEN 1 ELSE 0 END) AS responded,
    SUM(CASE WHEN n.responded_at IS NOT NULL AND (n.respond_by IS NULL OR n.responded_at <= n.respond_by)
        THEN 1 ELSE 0 END) AS responded_on_time,
    SUM(CASE WHEN n.resolved_at IS NOT NULL THEN 1 ELSE 0 END) AS resolved,
    SUM(CASE WHEN n.resolved_at IS NOT NULL AND (n.resolve_by IS NULL OR n.resolved_at <= n.resolve_by)
        THEN 1 ELSE 0 END) AS resolved_on_time
  FROM need n WHERE n.published_at >= {} AND n.published_at < {} AND %s GROUP BY n.community_id
) x JOIN organization o ON o.id = x.community JOIN area a ON a.id = o.area WHERE %s
"""
_RATING_COUNTS = """
SELECT a.path AS path, COUNT(*) AS ratings, SUM(CASE WHEN r.score >= {} THEN 1 ELSE 0 END) AS satisfied
FROM rating r JOIN "match" m ON m.id = r.subject_id
  JOIN organization o ON o.id = m.community_id JOIN area a ON a.id = o.area
WHERE r.subject_type = 'match' AND r.rater_side = 'community' AND m.status = 'completed'
  AND m.completed_at >= {} AND m.completed_at < {} AND %s
  AND (r.window_closes_at <= {} OR EXISTS (SELECT 1 FROM rating r2 WHERE r2.subject_type = 'match'
       AND r2.subject_id = r.subject_id AND r2.rater_side <> r.rater_side))
GROUP BY a.path
"""
OVERDUE_LISTED = 100


def _add(k: Kpis, row: dict[str, Any]) -> None:
    for name in ("published", "responded", "responded_on_time", "resolved", "resolved_on_time", "ratings", "satisfied"):
        if name in row:
            setattr(k, name, getattr(k, name) + int(row[name] or 0))


async def kpi_report(
    principal: Principal, *, area_id: int | None = None, organization_id: int | None = None, period: str | None = None
) -> Report:
    area, org, path = await _scope(principal, area_id, organization_id)
    span = parse_period(period)
    # One community, or every community under the area's path.
    scope_sql, scope_arg = ("o.id = {}", org["id"]) if org else ("a.path LIKE {}", f"{path}%")
    inner_sql, inner_args = ("n.community_id = {}", [org["id"]]) if org else ("1 = 1", [])
    need_rows = await Need.raw(_NEED_COUNTS % (inner_sql, scope_sql), span.start, span.end, *inner_args, scope_arg)
    # Only public ratings count (both sides rated, or the window closed: ratings.service.is_public), or one
    # new blind rating would leak through the figure.
    rating_rows = await Need.raw(
        _RATING_COUNTS % scope_sql, SATISFIED_SCORE, span.start, span.end, scope_arg, clock.now()
    )
    children = (
        []
        if area is None
        else await Area.select(Area.id, Area.name, Area.level, Area.path)
        .where(Area.parent == area["id"])
        .order_by(Area.name)
    )
    total = Kpis()
    per_child = {c["id"]: Kpis() for c in children}
    for row in [*need_rows, *rating_rows]:
        _add(total, row)
        for c in children:
            if row["path"].startswith(c["path"]):
                _add(per_child[c["id"]], row)
                break
    overdue_where = overdue_clause() & (
        (Need.community_id == org["id"]) if org else Need.community_id.area.path.like(f"{path}%")
    )
    overdue_count = await Need.count().where(overdue_where)
    overdue = (
        await Need.select(
            Need.id,
            Need.title,
            Need.colour,
            Need.status,
            Need.community_id,
            Need.community_id.name.as_alias("community"),
            Need.respond_by,
            Need.resolve_by,
            Need.published_at,
            Need.responded_at,
            Need.resolved_at,
        )
        .where(overdue_where)
        .order_by(Need.resolve_by)
        .order_by(Need.id)
        .limit(OVERDUE_LISTED)
    )
    return Report(
        period=span,
        area=area,
        organization=org,
        total=total,
        by_child=[(c, per_child[c["id"]]) for c in children],
        overdue=overdue,
        overdue_count=overdue_count,
        path=path,
    )
