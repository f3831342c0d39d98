"""/api/v1/resident-reports: thin handlers over ``filing`` (public), ``service`` (staff) and ``kpis``."""

from __future__ import annotations

from dataclasses import asdict

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from jinlin.auth.principal import Principal
from jinlin.core.http import client_address
from jinlin.core.pagination import Page, PageRequest
from jinlin.resident_reports import filing, kpis, service
from jinlin.resident_reports.schemas import (
    ChaseIn,
    FiledOut,
    HandOverIn,
    RatingIn,
    ReportIn,
    ReportOut,
    ResolveIn,
    ToNeedIn,
    TrackOut,
    TriageIn,
)


class KpiGroupOut(msgspec.Struct):
    id: int | None
    name: str
    counts: dict[str, int]
    rates: dict[str, float | None]


class KpiTableOut(msgspec.Struct):
    period: str
    area_id: int
    by: str
    counts: dict[str, int]
    rates: dict[str, float | None]
    ranking: list[KpiGroupOut]
    hours_by_colour: dict[str, dict[str, float | None]]
    trend: list[dict[str, object]]
    overdue: int  # open and overdue now (the one definition, core.deadlines)


class PublicReportController(Controller):
    """No account needed: residents file, follow and rate their reports."""

    path = "/resident-reports"
    tags = ["resident-reports"]

    @post("/", status_code=201)
    async def file(self, request: Request, data: JSONBody[ReportIn]) -> FiledOut:
        return await filing.file_report(data, [], client_address(request))

    @get("/track/{code:str}")
    async def track(self, code: FromPath[str]) -> TrackOut:
        return await filing.track(code)

    @post("/track/{code:str}/rating", status_code=200)
    async def rate(self, code: FromPath[str], data: JSONBody[RatingIn]) -> TrackOut:
        return await filing.rate(code, data)


class ReportController(Controller):
    path = "/resident-reports"
    tags = ["resident-reports"]

    @get("/")
    async def list_reports(
        self,
        principal: NamedDependency[Principal],
        paging: NamedDependency[PageRequest],
        status: FromQuery[str | None] = None,
        colour: FromQuery[str | None] = None,
        overdue: FromQuery[bool | None] = None,
        mine: FromQuery[bool] = False,
        escalated: FromQuery[bool] = False,
        area_id: FromQuery[int | None] = None,
    ) -> Page[ReportOut]:
        return await service.list_reports(
            principal,
            paging,
            status=status,
            colour=colour,
            overdue=overdue,
            mine=mine,
            escalated=escalated,
            area_id=area_id,
        )

    @get("/{report_id:int}")
    async def get_report(self, principal: NamedDependency[Principal], report_id: FromPath[int]) -> ReportOut:
        return await service.get_report(principal, report_id)

    @get("/{report_id:int}/photos/{photo_id:int}", media_type="image/jpeg")
    async def photo(
        self, principal: NamedDependency[Principal], report_id: FromPath[int], photo_id: FromPath[int]
    ) -> Response[bytes]:
        data = await service.photo_file(principal, report_id, photo_id)
        return Response(data, media_type="image/jpeg", headers={"cache-control": "private, no-store"})

    @post("/{report_id:int}/accept", status_code=200)
    async def accept(
        self, principal: NamedDependency[Principal], report_id: FromPath[int], data: JSONBody[TriageIn | None] = None
    ) -> ReportOut:
        return await service.accept(principal, report_id, data)

    @post("/{report_id:int}/triage", status_code=200)
    async def triage(
        self, principal: NamedDependency[Principal], report_id: FromPath[int], data: JSONBody[TriageIn]
    ) -> ReportOut:
        return await service.triage(principal, report_id, data)

    @post("/{report_id:int}/resolve", status_code=200)
    async def resolve(
        self, principal: NamedDependency[Principal], report_id: FromPath[int], data: JSONBody[ResolveIn]
    ) -> ReportOut:
        return await service.resolve(principal, report_id, data)

    @post("/{report_id:int}/refer", status_code=200)
    async def refer(
        self, principal: NamedDependency[Principal], report_id: FromPath[int], data: JSONBody[ToNeedIn]
    ) -> ReportOut:
        return await service.to_need(principal, report_id, data)

    @post("/{report_id:int}/transfer", status_code=200)
    async def transfer(
        self, principal: NamedDependency[Principal], report_id: FromPath[int], data: JSONBody[HandOverIn]
    ) -> ReportOut:
        return await service.transfer(principal, report_id, data)

    @post("/{report_id:int}/reassign", status_code=200)
    async def reassign(
        self, principal: NamedDependency[Principal], report_id: FromPath[int], data: JSONBody[HandOverIn]
    ) -> ReportOut:
        return await service.reassign(principal, report_id, data)

    @post("/{report_id:int}/chase", status_code=200)
    async def chase(
        self, principal: NamedDependency[Principal], report_id: FromPath[int], data: JSONBody[ChaseIn]
    ) -> ReportOut:
        return await service.chase(principal, report_id, data)

    @get("/kpis")
    async def kpis(
        self,
        principal: NamedDependency[Principal],
        area_id: FromQuery[int | None] = None,
        period: FromQuery[str | None] = None,
        by: FromQuery[str] = "grid",
    ) -> KpiTableOut:
        table = await kpis.kpi_table(principal, area_id=area_id, period=period, group=by)
        return KpiTableOut(
            period=table.period.label,
            area_id=table.area["id"],
            by=table.group,
            counts=asdict(table.total),
            rates=table.total.rates,
            ranking=[KpiGroupOut(id=i, name=n, counts=asdict(k), rates=k.rates) for i, n, k in table.rows],
            hours_by_colour=table.hours_by_colour,
            trend=[{"month": label, **rates} for label, rates in table.trend],
            overdue=table.overdue,
        )


ROUTES = [PublicReportController, ReportController]
