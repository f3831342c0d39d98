"""Visit frequencies (走访频次): set per focus group by each community, with the county's usual defaults."""

from __future__ import annotations

from jinlin.audit.service import record
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import NotFound
from jinlin.visits.schemas import PlansIn, PlansOut
from jinlin.visits.tables import VisitPlan

# Days between visits unless the community sets its own (党员定期走访).
DEFAULT_EVERY_DAYS = {
    "empty_nest_elderly": 7,
    "disabled": 14,
    "minimum_living_allowance": 30,
    "floating_population": 30,
    "rental_housing": 30,
    "released_prisoner": 30,
    "community_corrections": 30,
}


async def plans_of(community_ids: list[int]) -> dict[int, dict[str, int]]:
    out = {cid: dict(DEFAULT_EVERY_DAYS) for cid in community_ids}
    if community_ids:
        for r in await VisitPlan.select().where(VisitPlan.community.is_in(community_ids)):
            out[r["community"]][r["focus_group"]] = r["every_days"]
    return out


async def get_plans(principal: Principal, community_id: int) -> PlansOut:
    if not principal.acts_for(community_id) and not principal.is_county_admin:
        raise NotFound("Community not found")
    return PlansOut(community_id=community_id, plans=(await plans_of([community_id]))[community_id])


async def set_plans(principal: Principal, community_id: int, data: PlansIn) -> PlansOut:
    if not principal.acts_for(community_id, frozenset({"community_admin"})):
        raise NotFound("Community not found")
    now = clock.now()
    async with write_transaction():
        for group, days in data.plans.items():
            updated = (
                await VisitPlan.update(
                    {VisitPlan.every_days: days, VisitPlan.updated_at: now, VisitPlan.updated_by: principal.account_id}
                )
                .where((VisitPlan.community == community_id) & (VisitPlan.focus_group == group))
                .returning(VisitPlan.id)
            )
            if not updated:
                await VisitPlan.insert(
                    VisitPlan(
                        community=community_id,
                        focus_group=group,
                        every_days=days,
                        updated_by=principal.account_id,
                        updated_at=now,
                    )
                )
        await record(principal, "update", "visit_plan", community_id, {g: d for g, d in data.plans.items()})
    return await get_plans(principal, community_id)
