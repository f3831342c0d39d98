"""/api/v1/communities/{id}/profile, /api/v1/helpers/{id}/profile and /api/v1/twinnings."""

from __future__ import annotations

from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from jinlin.auth.principal import Principal
from jinlin.core.pagination import Page, PageRequest
from jinlin.twinning import rating, service
from jinlin.twinning.schemas import (
    CommunityProfileIn,
    CommunityProfileOut,
    HelperProfileIn,
    HelperProfileOut,
    TwinningOut,
    TwinningRatingIn,
    TwinningRatingList,
    TwinningRatingOut,
)


class ProfileController(Controller):
    tags = ["twinnings"]

    @get("/communities/{community_id:int}/profile")
    async def get_community_profile(
        self, principal: NamedDependency[Principal], community_id: FromPath[int]
    ) -> CommunityProfileOut:
        return await service.community_profile(principal, community_id)

    @put("/communities/{community_id:int}/profile")
    async def put_community_profile(
        self, principal: NamedDependency[Principal], community_id: FromPath[int], data: JSONBody[CommunityProfileIn]
    ) -> CommunityProfileOut:
        return await service.put_community_profile(principal, community_id, data)

    @get("/helpers/{organization_id:int}/profile")
    async def get_helper_profile(
        self, principal: NamedDependency[Principal], organization_id: FromPath[int]
    ) -> HelperProfileOut:
        return await service.helper_profile(principal, organization_id)

    @put("/helpers/{organization_id:int}/profile")
    async def put_helper_profile(
        self, principal: NamedDependency[Principal], organization_id: FromPath[int], data: JSONBody[HelperProfileIn]
    ) -> HelperProfileOut:
        return await service.put_helper_profile(principal, organization_id, data)


class TwinningController(Controller):
    path = "/twinnings"
    tags = ["twinnings"]

    @get("/")
    async def list_twinnings(
        self,
        principal: NamedDependency[Principal],
        paging: NamedDependency[PageRequest],
        status: FromQuery[str | None] = None,
        period: FromQuery[int | None] = None,
        organization_id: FromQuery[int | None] = None,
        run_id: FromQuery[int | None] = None,
    ) -> Page[TwinningOut]:
        return await service.list_twinnings(
            principal, paging, status=status, period=period, organization_id=organization_id, run_id=run_id
        )

    @get("/{twinning_id:int}")
    async def get_twinning(self, principal: NamedDependency[Principal], twinning_id: FromPath[int]) -> TwinningOut:
        return await service.get_twinning(principal, twinning_id)

    @post("/{twinning_id:int}/accept")
    async def accept(self, principal: NamedDependency[Principal], twinning_id: FromPath[int]) -> TwinningOut:
        return await service.accept_twinning(principal, twinning_id)

    @post("/{twinning_id:int}/decline")
    async def decline(self, principal: NamedDependency[Principal], twinning_id: FromPath[int]) -> TwinningOut:
        return await service.decline_twinning(principal, twinning_id)

    @post("/{twinning_id:int}/end")
    async def end(self, principal: NamedDependency[Principal], twinning_id: FromPath[int]) -> TwinningOut:
        return await service.end_twinning(principal, twinning_id)

    @get("/{twinning_id:int}/ratings")
    async def ratings(self, principal: NamedDependency[Principal], twinning_id: FromPath[int]) -> TwinningRatingList:
        """Both sides' ratings; the other side's stays hidden until you have rated too or the window closed."""
        return await rating.twinning_ratings(principal, twinning_id)

    @post("/{twinning_id:int}/ratings")
    async def rate(
        self, principal: NamedDependency[Principal], twinning_id: FromPath[int], data: JSONBody[TwinningRatingIn]
    ) -> TwinningRatingOut:
        """Rate the other side once, when the pair has ended or its period is over."""
        return await rating.rate_twinning(principal, twinning_id, data)


ROUTES = [ProfileController, TwinningController]
