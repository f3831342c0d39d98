"""/api/v1/match-runs: start a run, poll it, read its result, cancel it, publish its proposals."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from jinlin.auth.principal import Principal
from jinlin.core.pagination import Page, PageRequest
from jinlin.runs import service
from jinlin.runs.schemas import MatchRunIn, MatchRunOut, MatchRunResult


class MatchRunController(Controller):
    path = "/match-runs"
    tags = ["match-runs"]

    @get("/")
    async def list_runs(
        self,
        principal: NamedDependency[Principal],
        paging: NamedDependency[PageRequest],
        kind: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        area_id: FromQuery[int | None] = None,
    ) -> Page[MatchRunOut]:
        return await service.list_runs(principal, paging, kind=kind, status=status, area_id=area_id)

    @post("/")
    async def start_run(self, principal: NamedDependency[Principal], data: JSONBody[MatchRunIn]) -> MatchRunOut:
        return await service.start_run(principal, data)

    @get("/{run_id:int}")
    async def get_run(self, principal: NamedDependency[Principal], run_id: FromPath[int]) -> MatchRunOut:
        return await service.get_run(principal, run_id)

    @get("/{run_id:int}/result")
    async def get_result(self, principal: NamedDependency[Principal], run_id: FromPath[int]) -> MatchRunResult:
        out = await service.get_result(principal, run_id)
        return MatchRunResult(run=out["run"], result=out["result"])

    @post("/{run_id:int}/cancel")
    async def cancel_run(self, principal: NamedDependency[Principal], run_id: FromPath[int]) -> MatchRunOut:
        return await service.cancel_run(principal, run_id)

    @post("/{run_id:int}/publish")
    async def publish_run(self, principal: NamedDependency[Principal], run_id: FromPath[int]) -> MatchRunOut:
        return await service.publish_run(principal, run_id)


ROUTES = [MatchRunController]
