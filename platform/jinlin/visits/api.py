"""/api/v1/visits and /visit-plans: thin handlers over the visit services."""

from __future__ import annotations

from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from jinlin.auth.principal import Principal
from jinlin.visits import coverage, plans, service
from jinlin.visits.schemas import CoverageRow, DueItem, FollowUpReport, PlansIn, PlansOut, VisitIn, VisitOut


class VisitController(Controller):
    path = "/visits"
    tags = ["visits"]

    @get("/due")
    async def due(
        self,
        principal: NamedDependency[Principal],
        within_days: FromQuery[int] = service.DUE_WITHIN_DAYS,
        grid_id: FromQuery[int | None] = None,
    ) -> list[DueItem]:
        """The caller's visit list: households due or overdue, grid by grid, nearest due date first."""
        from jinlin.core.errors import Invalid

        if not 0 <= within_days <= 366:
            raise Invalid("Bad within_days", {"within_days": "must be between 0 and 366"})
        return await service.visit_list(principal, within_days, grid_id)

    @post("/")
    async def record_visit(self, principal: NamedDependency[Principal], data: JSONBody[VisitIn]) -> VisitOut:
        """Record a visit; ``need`` turns the follow-up into a published need (no personal data)."""
        return await service.record_visit(principal, data)

    @post("/{visit_id:int}/report")
    async def follow_up_to_report(
        self, principal: NamedDependency[Principal], visit_id: FromPath[int], data: JSONBody[FollowUpReport]
    ) -> VisitOut:
        """Turn the visit's follow-up into a resident report (接诉即办) on the household's grid or a building."""
        return await service.follow_up_to_report(principal, visit_id, data)

    @get("/")
    async def list_visits(self, principal: NamedDependency[Principal], household_id: FromQuery[int]) -> list[VisitOut]:
        return await service.visits_of(principal, household_id)

    @get("/coverage")
    async def coverage(self, principal: NamedDependency[Principal], area_id: FromQuery[int]) -> list[CoverageRow]:
        """Share of focus households visited on time per grid, community and street under an area."""
        return await coverage.coverage(principal, area_id)


class VisitPlanController(Controller):
    path = "/visit-plans"
    tags = ["visits"]

    @get("/{community_id:int}")
    async def get_plans(self, principal: NamedDependency[Principal], community_id: FromPath[int]) -> PlansOut:
        return await plans.get_plans(principal, community_id)

    @put("/{community_id:int}")
    async def set_plans(
        self, principal: NamedDependency[Principal], community_id: FromPath[int], data: JSONBody[PlansIn]
    ) -> PlansOut:
        return await plans.set_plans(principal, community_id, data)


ROUTES = [VisitController, VisitPlanController]
