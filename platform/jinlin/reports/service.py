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
from jinlin.matches.tables import Match
from jinlin.needs.tables import Need
from jinlin.orgs.tables import Organization
from jinlin.ratings.service import public_ratings
from jinlin.reports.period import Period, parse_period

OPEN_STATUSES = ("published", "matched", "in_progress")
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
    overdue: list[dict[str, Any]] = field(default_factory=list)


def _count_need(k: Kpis, need: dict[str, Any]) -> None:
    k.published += 1
    if need["responded_at"] is not None:
        k.responded += 1
        if need["respond_by"] is None or need["responded_at"] <= need["respond_by"]:
            k.responded_on_time += 1
    if need["resolved_at"] is not None:
        k.resolved += 1
        if need["resolve_by"] is None or need["resolved_at"] <= need["resolve_by"]:
            k.resolved_on_time += 1


async def _scope(principal: Principal, area_id: int | None, organization_id: int | None
                 ) -> tuple[dict[str, Any] | None, dict[str, Any] | None, str]:
    """The area (or community) reported on, and the area path that bounds it; 404 outside one's scope."""
    if organization_id is not None:
        org = await Organization.select(Organization.all_columns(), Organization.area.path.as_alias("area_path")) \
            .where(Organization.id == organization_id).first()
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


async def kpi_report(principal: Principal, *, area_id: int | None = None, organization_id: int | None = None,
                     period: str | None = None) -> Report:
    area, org, path = await _scope(principal, area_id, organization_id)
    span = parse_period(period)
    need_query = Need.select(
        Need.id, Need.title, Need.colour, Need.status, Need.community_id, Need.community_id.name.as_alias("community"),
        Need.community_id.area.path.as_alias("community_path"), Need.respond_by, Need.resolve_by,
        Need.published_at, Need.responded_at, Need.resolved_at,
    ).where(Need.published_at.is_not_null())
    need_query = need_query.where(Need.community_id == org["id"]) if org else \
        need_query.where(Need.community_id.area.path.like(f"{path}%"))
    needs = await need_query
    children = [] if org else await Area.select(Area.id, Area.name, Area.level, Area.path) \
        .where(Area.parent == area["id"]).order_by(Area.name)
    total = Kpis()
    per_child = {c["id"]: Kpis() for c in children}
    now = clock.now()
    overdue = []
    for need in needs:
        if need["status"] in OPEN_STATUSES and need["resolve_by"] is not None and need["resolve_by"] < now:
            overdue.append(need)
        if not span.contains(need["published_at"]):
            continue
        _count_need(total, need)
        for c in children:
            if need["community_path"].startswith(c["path"]):
                _count_need(per_child[c["id"]], need)
                break
    completed = Match.select(Match.id, Match.community_id, Match.community_id.area.path.as_alias("community_path")) \
        .where((Match.status == "completed") & (Match.completed_at >= span.start) & (Match.completed_at < span.end))
    completed = completed.where(Match.community_id == org["id"]) if org else \
        completed.where(Match.community_id.area.path.like(f"{path}%"))
    matches = {m["id"]: m for m in await completed}
    if matches:
        rows = await public_ratings("match", list(matches), "community")  # blind ones stay out until visible
        for row in rows:
            satisfied = row["score"] >= SATISFIED_SCORE
            total.ratings += 1
            total.satisfied += satisfied
            for c in children:
                if matches[row["subject_id"]]["community_path"].startswith(c["path"]):
                    per_child[c["id"]].ratings += 1
                    per_child[c["id"]].satisfied += satisfied
                    break
    overdue.sort(key=lambda n: n["resolve_by"])
    return Report(period=span, area=area, organization=org, total=total,
                  by_child=[(c, per_child[c["id"]]) for c in children], overdue=overdue[:100])
