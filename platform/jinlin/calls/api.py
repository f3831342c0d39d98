"""/api/v1/calls: issue a call, respond with a pledge, turn pledges into matches, close."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from jinlin.auth.principal import Principal
from jinlin.calls import service
from jinlin.calls.schemas import CallIn, CallOut, PledgeMatchIn, ResponseIn, ResponseOut
from jinlin.core.pagination import Page, PageRequest


class CallController(Controller):
    path = "/calls"
    tags = ["calls"]

    @get("/")
    async def list_calls(
        self,
        principal: NamedDependency[Principal],
        paging: NamedDependency[PageRequest],
        status: FromQuery[str | None] = None,
    ) -> Page[CallOut]:
        return await service.list_calls(principal, paging, status=status)

    @post("/")
    async def create_call(self, principal: NamedDependency[Principal], data: JSONBody[CallIn]) -> CallOut:
        return await service.create_call(principal, data)

    @get("/{call_id:int}")
    async def get_call(self, principal: NamedDependency[Principal], call_id: FromPath[int]) -> CallOut:
        return await service.get_call(principal, call_id)

    @get("/{call_id:int}/responses")
    async def list_responses(
        self, principal: NamedDependency[Principal], paging: NamedDependency[PageRequest], call_id: FromPath[int]
    ) -> Page[ResponseOut]:
        return await service.list_responses(principal, call_id, paging)

    @post("/{call_id:int}/responses")
    async def respond(
        self, principal: NamedDependency[Principal], call_id: FromPath[int], data: JSONBody[ResponseIn]
    ) -> ResponseOut:
        return await service.respond(principal, call_id, data)

    @post("/{call_id:int}/responses/{response_id:int}/match")
    async def match_pledge(
        self,
        principal: NamedDependency[Principal],
        call_id: FromPath[int],
        response_id: FromPath[int],
        data: JSONBody[PledgeMatchIn],
    ) -> ResponseOut:
        return await service.match_pledge(principal, call_id, response_id, data)

    @post("/{call_id:int}/close")
    async def close_call(self, principal: NamedDependency[Principal], call_id: FromPath[int]) -> CallOut:
        return await service.close_call(principal, call_id)


ROUTES = [CallController]
