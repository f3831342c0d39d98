"""/api/v1/fairness and /api/v1/match-runs/{id}/fairness: whether the weakest communities get their share."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from jinlin.auth.principal import Principal
from jinlin.fairness import service
from jinlin.fairness.schemas import CommunityHelpOut, FairnessOut, FairnessSummary, RunFairnessOut


def community_out(c: service.CommunityHelp, weakest: set[int]) -> CommunityHelpOut:
    return CommunityHelpOut(
        id=c.id,
        name=c.name,
        weakness_index=c.weakness,
        population=c.population,
        needs=c.needs,
        help=c.help,
        help_per_1000=c.help_per_1000,
        met_share=c.met_share,
        red_orange=c.red_orange,
        red_orange_met=c.red_orange_met,
        twinned=c.twinned,
        weakest=c.id in weakest,
    )


def fairness_out(f: service.Fairness) -> FairnessOut:
    weakest = set(f.weakest_ids)
    return FairnessOut(
        area_id=f.area["id"],
        area_name=f.area["name"],
        period=f.period,
        weakest_share=f.weakest_share,
        average_share=f.average_share,
        gini=f.gini,
        weakest_count=len(f.weakest_ids),
        weakest_twinned=f.weakest_twinned,
        least_helped=[community_out(c, weakest) for c in f.least_helped],
        communities=[community_out(c, weakest) for c in f.communities],
    )


def summary(f: service.Fairness) -> FairnessSummary:
    return FairnessSummary(weakest_share=f.weakest_share, average_share=f.average_share, gini=f.gini)


@get("/fairness", tags=["reports"])
async def fairness(
    principal: NamedDependency[Principal], area_id: FromQuery[int | None] = None, period: FromQuery[str | None] = None
) -> FairnessOut:
    """The fairness figures of an area (county and street staff) for a period (YYYY, YYYY-Qn, YYYY-MM)."""
    return fairness_out(await service.fairness(principal, area_id, period))


@get("/match-runs/{run_id:int}/fairness", tags=["match-runs"])
async def run_fairness(principal: NamedDependency[Principal], run_id: FromPath[int]) -> RunFairnessOut:
    """The weakest quartile's and the average share of red and orange needs met (and the Gini) in the run's
    area over the last year, before and after the run's proposals."""
    before, after = await service.run_fairness(principal, run_id)
    return RunFairnessOut(run_id=run_id, area_id=before.area["id"], before=summary(before), after=summary(after))


ROUTES = [fairness, run_fairness]
