"""督查通报 pages: the archive with the generate form and the monthly switch, a report with its progress
bar (htmx polling) and figures, downloads and publishing."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from jinlin.areas.choices import areas_and_children
from jinlin.auth.principal import STAFF_ROLES, UNIT_ROLES, Principal
from jinlin.core.errors import DomainError
from jinlin.core.nav import NavItem
from jinlin.core.pages import decode_form, form_data, form_errors, redirect, render
from jinlin.supervision import service
from jinlin.supervision.api import download
from jinlin.supervision.schemas import ReportIn


async def _areas(principal: Principal) -> list[dict[str, Any]]:
    """The areas the caller may report on: their own and the ones right below."""
    return await areas_and_children([m.area_id for m in principal.memberships if m.role in service.SUPERVISORS])


async def _index(principal: Principal, errors: dict[str, str] | None = None, status_code: int = 200) -> Template:
    areas = await _areas(principal)
    schedules = {a["id"]: await service.schedule_of(principal, a["id"]) for a in areas[:1]}
    return render(
        "supervision/index.html",
        principal,
        reports=await service.list_reports(principal),
        areas=areas,
        schedules=schedules,
        errors=errors or {},
        status_code=status_code,
    )


@get("/supervision", include_in_schema=False)
async def index(principal: NamedDependency[Principal]) -> Template:
    return await _index(principal)


@post("/supervision/reports", include_in_schema=False)
async def create(principal: NamedDependency[Principal], request: Request) -> Template | Redirect:
    try:
        data, _ = await decode_form(request, ReportIn)
        row = await service.create_report(principal, data.area_id, data.period)
    except DomainError as exc:
        return await _index(principal, form_errors(exc), exc.status)
    return redirect(f"/supervision/reports/{row['id']}")


@post("/supervision/schedules/{area_id:int}", include_in_schema=False)
async def schedule(principal: NamedDependency[Principal], request: Request, area_id: FromPath[int]) -> Redirect:
    form = await form_data(request)
    await service.set_schedule(principal, area_id, form.get("enabled") == "on", form.get("publish") == "on")
    return redirect("/supervision")


@get("/supervision/reports/{report_id:int}", include_in_schema=False)
async def report_page(principal: NamedDependency[Principal], report_id: FromPath[int]) -> Template:
    row = await service.get_report(principal, report_id)
    return render(
        "supervision/report.html",
        principal,
        r=row,
        f=row["figures"] or {},
        may_publish=principal.covers_area(row["area_path"], service.SUPERVISORS),
    )


@get("/supervision/reports/{report_id:int}/progress", include_in_schema=False)
async def progress(principal: NamedDependency[Principal], report_id: FromPath[int]) -> Template | Response:
    row = await service.get_report(principal, report_id)
    if row["status"] not in ("queued", "running"):
        return Response(content="", headers={"HX-Refresh": "true"})
    return render("supervision/_progress.html", principal, r=row)


@get("/supervision/reports/{report_id:int}/report.pdf", include_in_schema=False)
async def pdf_file(principal: NamedDependency[Principal], report_id: FromPath[int]) -> Response[bytes]:
    return download(*await service.file_of(principal, report_id, "pdf"), "pdf")


@get("/supervision/reports/{report_id:int}/report.xlsx", include_in_schema=False)
async def xlsx_file(principal: NamedDependency[Principal], report_id: FromPath[int]) -> Response[bytes]:
    return download(*await service.file_of(principal, report_id, "xlsx"), "xlsx")


@post("/supervision/reports/{report_id:int}/publish", include_in_schema=False)
async def publish(principal: NamedDependency[Principal], report_id: FromPath[int]) -> Redirect:
    await service.publish(principal, report_id)
    return redirect(f"/supervision/reports/{report_id}")


ROUTES = [index, create, schedule, report_page, progress, pdf_file, xlsx_file, publish]
NAV = [NavItem("Supervision reports", "/supervision", STAFF_ROLES | UNIT_ROLES, order=85)]
