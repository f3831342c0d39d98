"""以强帮弱 measured (docs/supervision.md#fairness): whether the weakest communities get their share of help.

For an area and a period:
- help a community received = the needs it published in the period that were met, each counting the share of
  its quantity met (1 when resolved or closed; accepted or delivered quantity ÷ quantity otherwise), so needs in
  different units add up;
- the weakest quartile = the ⌈n/4⌉ communities with the highest weakness index (jinlin.twinning.weakness);
- red/orange share met = help ÷ red and orange needs, for the weakest quartile and for all communities;
- Gini coefficient of help per resident across communities with a known population;
- how many weakest-quartile communities have an active twinning pair;
- the communities that received least help relative to their needs.
Counts come from one grouped SQL query; Python only combines one row per community.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from jinlin.areas.tables import Area
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.errors import NotFound
from jinlin.reports.period import CHINA, Period, parse_period
from jinlin.twinning import weakness
from jinlin.twinning.tables import CommunityProfile, Twinning

FAIRNESS_STAFF = frozenset({"county_admin", "street_admin"})
LEAST_HELPED = 5
RUN_WINDOW = timedelta(days=365)


@dataclass
class CommunityHelp:
    id: int
    name: str
    weakness: float
    population: int | None
    needs: int = 0
    help: float = 0.0
    red_orange: int = 0
    red_orange_met: float = 0.0
    twinned: bool = False

    @property
    def help_per_1000(self) -> float | None:
        return round(self.help / self.population * 1000, 4) if self.population else None

    @property
    def met_share(self) -> float | None:
        return round(self.help / self.needs, 4) if self.needs else None


@dataclass
class Fairness:
    area: dict[str, Any]
    period: str
    communities: list[CommunityHelp] = field(default_factory=list)
    weakest_ids: list[int] = field(default_factory=list)
    weakest_share: float | None = None
    average_share: float | None = None
    gini: float | None = None
    weakest_twinned: int = 0
    least_helped: list[CommunityHelp] = field(default_factory=list)


def quartile_size(n: int) -> int:
    return math.ceil(n / 4)


def weakest_quartile(rows: list[CommunityHelp]) -> list[CommunityHelp]:
    """The ⌈n/4⌉ weakest communities (ties: by name, then id, so the choice is stable)."""
    return sorted(rows, key=lambda r: (-r.weakness, r.name, r.id))[: quartile_size(len(rows))]


def gini(values: list[float]) -> float | None:
    """Σᵢ Σⱼ |xᵢ − xⱼ| ÷ (2 n² mean); None when there is nothing (or nothing but zeros) to compare."""
    n = len(values)
    total = sum(values)
    if n == 0 or total == 0:
        return None
    ordered = sorted(values)
    # The same sum in O(n log n): Σᵢ (2i − n − 1) x₍ᵢ₎ over the sorted values, i from 1.
    weighted = sum((2 * i - n - 1) * x for i, x in enumerate(ordered, start=1))
    return round(weighted / (n * total), 4)


def share(met: float, asked: int) -> float | None:
    return round(met / asked, 4) if asked else None


def _met(extra: str = "0") -> str:
    """SQL: the share (0-1) of a need's quantity that is met, with ``extra`` more quantity promised."""
    best = "(CASE WHEN n.quantity_done > n.quantity_matched THEN n.quantity_done ELSE n.quantity_matched END)"
    return (
        f"(CASE WHEN n.status IN ('resolved', 'closed') THEN 1.0 WHEN {best} + {extra} >= n.quantity THEN 1.0 "
        f"ELSE 1.0 * ({best} + {extra}) / n.quantity END)"
    )


async def _needs_by_community(
    path: str, start: datetime, end: datetime, run_id: int | None = None
) -> dict[int, dict[str, Any]]:
    proposals, extra, args = "", "0", [f"{path}%", start, end]
    if run_id is not None:
        # The run's proposals not yet accepted (accepted ones are in quantity_matched already).
        proposals = (
            'LEFT JOIN (SELECT need_id, SUM(quantity) AS q FROM "match" WHERE run_id = {} '
            "AND status = 'proposed' GROUP BY need_id) p ON p.need_id = n.id "
        )
        extra, args = "COALESCE(p.q, 0)", [run_id, *args]
    rows = await Area.raw(
        f"SELECT n.community_id AS c, COUNT(*) AS needs, SUM({_met(extra)}) AS met, "
        "SUM(CASE WHEN n.colour IN ('red', 'orange') THEN 1 ELSE 0 END) AS ro, "
        f"SUM(CASE WHEN n.colour IN ('red', 'orange') THEN {_met(extra)} ELSE 0 END) AS ro_met "
        f'FROM "need" n {proposals}JOIN "organization" co ON co.id = n.community_id JOIN "area" ca ON ca.id = co.area '
        "WHERE ca.path LIKE {} AND n.published_at >= {} AND n.published_at < {} "
        "AND n.status NOT IN ('draft', 'cancelled') AND n.quantity > 0 GROUP BY n.community_id",
        *args,
    )
    return {r["c"]: r for r in rows}


async def _communities(path: str, year: int) -> list[CommunityHelp]:
    from jinlin.orgs.tables import Organization

    orgs = (
        await Organization.select(
            Organization.id, Organization.name, Organization.area.population.as_alias("area_population")
        )
        .where((Organization.kind == "community") & Organization.area.path.like(f"{path}%"))
        .order_by(Organization.id)
    )
    ids = [o["id"] for o in orgs]
    if not ids:
        return []
    profiles = {
        p["community_id"]: p for p in await CommunityProfile.select().where(CommunityProfile.community_id.is_in(ids))
    }
    computed = await weakness.need_parts(ids)
    twinned = {
        t["community_id"]
        for t in await Twinning.select(Twinning.community_id).where(
            Twinning.community_id.is_in(ids)
            & ((Twinning.status == "active") | ((Twinning.period == year) & (Twinning.status == "ended")))
        )
    }
    blank = {"population": 0, "grid_workers": 0, "funding_gap": 0, "facility_gap": 0.0}
    out = []
    for o in orgs:
        profile = profiles.get(o["id"], blank)
        population = profile["population"] or o["area_population"] or None
        index = weakness.index(weakness.parts(profile, computed.get(o["id"], {})))
        out.append(
            CommunityHelp(id=o["id"], name=o["name"], weakness=index, population=population, twinned=o["id"] in twinned)
        )
    return out


def combine(
    area: dict[str, Any], label: str, communities: list[CommunityHelp], needs: dict[int, dict[str, Any]]
) -> Fairness:
    for c in communities:
        row = needs.get(c.id)
        if row:
            c.needs, c.help = int(row["needs"]), round(float(row["met"] or 0), 4)
            c.red_orange, c.red_orange_met = int(row["ro"] or 0), round(float(row["ro_met"] or 0), 4)
    weakest = weakest_quartile(communities)
    with_people = [c.help_per_1000 for c in communities if c.help_per_1000 is not None]
    least = sorted((c for c in communities if c.needs), key=lambda c: (c.met_share, -c.weakness, c.name))
    return Fairness(
        area=area,
        period=label,
        communities=communities,
        weakest_ids=[c.id for c in weakest],
        weakest_share=share(sum(c.red_orange_met for c in weakest), sum(c.red_orange for c in weakest)),
        average_share=share(sum(c.red_orange_met for c in communities), sum(c.red_orange for c in communities)),
        gini=gini(with_people),
        weakest_twinned=sum(1 for c in weakest if c.twinned),
        least_helped=least[:LEAST_HELPED],
    )


async def _area(principal: Principal, area_id: int | None) -> dict[str, Any]:
    if area_id is None:
        m = next((m for m in principal.memberships if m.role in FAIRNESS_STAFF), None)
        if m is None:
            raise NotFound("No area to report on")
        area_id = m.area_id
    area = await Area.select().where(Area.id == area_id).first()
    if area is None or not principal.covers_area(area["path"], FAIRNESS_STAFF):
        raise NotFound("Area not found")
    return area


async def figures(area: dict[str, Any], span: Period) -> Fairness:
    """The fairness figures of an area and period (no scope check: callers check)."""
    communities = await _communities(area["path"], span.start.year)
    return combine(area, span.label, communities, await _needs_by_community(area["path"], span.start, span.end))


async def fairness(principal: Principal, area_id: int | None = None, period: str | None = None) -> Fairness:
    area = await _area(principal, area_id)
    span = parse_period(period or str(clock.now().astimezone(CHINA).year))
    return await figures(area, span)


async def run_fairness(principal: Principal, run_id: int) -> tuple[Fairness, Fairness]:
    """For an allocation run's area, over the needs of the last year: the figures now, and with the run's
    proposals (not yet accepted) counted as met."""
    from jinlin.runs.service import visible_row

    row = await visible_row(principal, run_id)
    area = await Area.select().where(Area.id == row["area"]).first()
    assert area is not None  # a run's area is a foreign key
    end = clock.now() + timedelta(seconds=1)  # needs published this very second count too
    start = end - RUN_WINDOW
    communities = await _communities(area["path"], end.astimezone(CHINA).year)
    before = combine(area, "365d", copy.deepcopy(communities), await _needs_by_community(area["path"], start, end))
    after = combine(area, "365d", communities, await _needs_by_community(area["path"], start, end, run_id))
    return before, after
