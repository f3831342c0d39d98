"""/api/v1/supervision-reports and /api/v1/supervision-schedules/{area_id} (督查通报)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from jinlin.auth.principal import Principal
from jinlin.core.pagination import Page, PageRequest
from jinlin.supervision import service
from jinlin.supervision.schemas import ReportIn, ReportOut, ScheduleIn, ScheduleOut

MEDIA = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def report_out(r: dict[str, Any]) -> ReportOut:
    return ReportOut(
        id=r["id"],
        area_id=r["area"],
        area_name=r["area_name"],
        period=r["period"],
        kind=r["kind"],
        status=r["status"],
        progress=r["progress"],
        phase=r["phase"],
        issuing_office=r["issuing_office"],
        pages=r["pages"],
        error=r["error"],
        figures=r["figures"] or {},
        published_to=r["published_to"] or [],
        published_at=r["published_at"],
        created_at=r["created_at"],
        finished_at=r["finished_at"],
    )


def download(name: str, content: bytes, kind: str) -> Response[bytes]:
    return Response(content, media_type=MEDIA[kind], headers={"Content-Disposition": f'attachment; filename="{name}"'})


class ReportController(Controller):
    path = "/supervision-reports"
    tags = ["supervision"]

    @get("/")
    async def list_reports(
        self, principal: NamedDependency[Principal], paging: NamedDependency[PageRequest]
    ) -> Page[ReportOut]:
        """Reports of the caller's area (street and county admins) and reports published to their organisation."""
        return paging.page_of([report_out(r) for r in await service.list_reports(principal, limit=1000)])

    @post("/")
    async def create(self, principal: NamedDependency[Principal], data: JSONBody[ReportIn]) -> ReportOut:
        """Generate a report for an area and period (a background job: poll ``status`` and ``progress``)."""
        return report_out(await service.create_report(principal, data.area_id, data.period))

    @get("/{report_id:int}")
    async def get_report(self, principal: NamedDependency[Principal], report_id: FromPath[int]) -> ReportOut:
        return report_out(await service.get_report(principal, report_id))

    @get("/{report_id:int}/report.pdf", media_type=MEDIA["pdf"])
    async def pdf(self, principal: NamedDependency[Principal], report_id: FromPath[int]) -> Response[bytes]:
        return download(*await service.file_of(principal, report_id, "pdf"), "pdf")

    @get("/{report_id:int}/report.xlsx", media_type=MEDIA["xlsx"])
    async def xlsx(self, principal: NamedDependency[Principal], report_id: FromPath[int]) -> Response[bytes]:
        return download(*await service.file_of(principal, report_id, "xlsx"), "xlsx")

    @post("/{report_id:int}/publish")
    async def publish(self, principal: NamedDependency[Principal], report_id: FromPath[int]) -> ReportOut:
        """Publish to the organisations concerned (the area's street offices and communities, and the units the
        report names): each gets a notice with the link."""
        return report_out(await service.publish(principal, report_id))


@get("/supervision-schedules/{area_id:int}", tags=["supervision"])
async def get_schedule(principal: NamedDependency[Principal], area_id: FromPath[int]) -> ScheduleOut:
    s = await service.schedule_of(principal, area_id)
    return ScheduleOut(area_id=area_id, enabled=s["enabled"], publish=s["publish"])


@put("/supervision-schedules/{area_id:int}", tags=["supervision"])
async def put_schedule(
    principal: NamedDependency[Principal], area_id: FromPath[int], data: JSONBody[ScheduleIn]
) -> ScheduleOut:
    """Switch the monthly report of an area on or off (generated on the 1st for the month before)."""
    s = await service.set_schedule(principal, area_id, data.enabled, data.publish)
    return ScheduleOut(area_id=area_id, enabled=s["enabled"], publish=s["publish"])


ROUTES = [ReportController, get_schedule, put_schedule]
