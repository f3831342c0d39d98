"""/api/v1/matches and their ratings: thin handlers over ``matches.service`` and ``matches.rating``."""

from __future__ import annotations

from typing import Literal

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from jinlin.auth.principal import Principal
from jinlin.core.pagination import Page, PageRequest
from jinlin.matches import rating, service
from jinlin.matches.schemas import MatchIn, MatchOut, RatingIn, RatingList, RatingOut, SideIn


class MatchController(Controller):
    path = "/matches"
    tags = ["matches"]

    @get("/")
    async def list_matches(
        self,
        principal: NamedDependency[Principal],
        paging: NamedDependency[PageRequest],
        status: FromQuery[str | None] = None,
        need_id: FromQuery[int | None] = None,
        offer_id: FromQuery[int | None] = None,
        organization_id: FromQuery[int | None] = None,
        run_id: FromQuery[int | None] = None,
        source: FromQuery[Literal["run", "manual", "call"] | None] = None,
    ) -> Page[MatchOut]:
        return await service.list_matches(
            principal,
            paging,
            status=status,
            need_id=need_id,
            offer_id=offer_id,
            organization_id=organization_id,
            run_id=run_id,
            source=source,
        )

    @post("/")
    async def propose(self, principal: NamedDependency[Principal], data: JSONBody[MatchIn]) -> MatchOut:
        return await service.create_match(
            principal, data.need_id, data.offer_id, data.quantity, "manual", reasons=data.reasons
        )

    @get("/{match_id:int}")
    async def get_match(self, principal: NamedDependency[Principal], match_id: FromPath[int]) -> MatchOut:
        return await service.get_match(principal, match_id)

    @post("/{match_id:int}/accept", status_code=200)
    async def accept(
        self, principal: NamedDependency[Principal], match_id: FromPath[int], data: JSONBody[SideIn | None] = None
    ) -> MatchOut:
        return await service.accept_match(principal, match_id, data.side if data else None)

    @post("/{match_id:int}/decline", status_code=200)
    async def decline(
        self, principal: NamedDependency[Principal], match_id: FromPath[int], data: JSONBody[SideIn | None] = None
    ) -> MatchOut:
        return await service.decline_match(principal, match_id, data.side if data else None)

    @post("/{match_id:int}/cancel", status_code=200)
    async def cancel(
        self, principal: NamedDependency[Principal], match_id: FromPath[int], data: JSONBody[SideIn | None] = None
    ) -> MatchOut:
        return await service.cancel_match(principal, match_id, data.side if data else None)

    @post("/{match_id:int}/start", status_code=200)
    async def start(
        self, principal: NamedDependency[Principal], match_id: FromPath[int], data: JSONBody[SideIn | None] = None
    ) -> MatchOut:
        return await service.start_match(principal, match_id, data.side if data else None)

    @post("/{match_id:int}/complete", status_code=200)
    async def complete(self, principal: NamedDependency[Principal], match_id: FromPath[int]) -> MatchOut:
        return await service.complete_match(principal, match_id)

    @get("/{match_id:int}/ratings")
    async def ratings(self, principal: NamedDependency[Principal], match_id: FromPath[int]) -> RatingList:
        return await rating.match_ratings(principal, match_id)

    @post("/{match_id:int}/ratings")
    async def rate(
        self, principal: NamedDependency[Principal], match_id: FromPath[int], data: JSONBody[RatingIn]
    ) -> RatingOut:
        return await rating.rate_match(principal, match_id, data)


@post("/match-runs/{run_id:int}/accept-mine", tags=["matches"], status_code=200)
async def accept_run_proposals(principal: NamedDependency[Principal], run_id: FromPath[int]) -> dict[str, int]:
    """Accept all of a run's proposals still waiting for the caller's side(s)."""
    return await service.accept_run_proposals(principal, run_id)


ROUTES = [MatchController, accept_run_proposals]
