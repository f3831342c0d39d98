"""接诉即办 pages. Public (no account, phone-first, no JavaScript needed): the report form at
``/report/{area_id}`` (linked from the duty card's "我要反映") and the tracking page ``/track/{code}``.
Staff: the queue, a report with its actions, the 督办 list and the KPI page."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from jinlin.auth.principal import STAFF_ROLES, Principal
from jinlin.core.errors import DomainError, Invalid
from jinlin.core.http import client_address
from jinlin.core.nav import NavItem
from jinlin.core.pages import convert_form, form_data, form_errors, redirect, render
from jinlin.core.pagination import PageRequest
from jinlin.resident_reports import filing, kpis, photos, places, service
from jinlin.resident_reports.labels import report_label
from jinlin.resident_reports.schemas import (
    ChaseIn,
    HandOverIn,
    RatingIn,
    ReportIn,
    ResolveIn,
    ToNeedIn,
    TriageIn,
)
from jinlin.resident_reports.tables import ReportCategory

CATEGORIES = [c.value for c in ReportCategory]
UPLOAD_LIMIT = photos.MAX_PHOTOS * photos.MAX_BYTES + 1024 * 1024  # three big photos; bigger ones get a field error


async def _uploads(request: Request, name: str = "photos") -> list[bytes]:
    """The chosen files of a multi-file input (a browser sends one empty part when none was chosen)."""
    form = await request.form()
    chosen = form.getall(name) if name in form else []
    return [await f.read() for f in chosen if isinstance(f, UploadFile) and f.filename]


# -- public ---------------------------------------------------------------------------------------

# Residents read these instead of msgspec's wording ("Expected `str` matching regex …").
PLAIN_REASONS = {
    "phone": "enter a mobile number or a landline with its area code",
    "description": "describe it in 1 to 500 characters",
    "category": "choose one",
    "area_id": "choose a place",
}


def _plain(exc: Invalid) -> Invalid:
    """A form's refusal with the residents' wording for the fields they type."""
    return Invalid(exc.message, {f: PLAIN_REASONS.get(f, r) for f, r in exc.fields.items()})


async def _form(
    area_id: int, form: dict[str, Any] | None = None, errors: dict[str, str] | None = None, status_code: int = 200
) -> Template:
    place = await places.place_for_form(area_id)
    return render(
        "resident_reports/report_form.html",
        None,
        place=place,
        categories=CATEGORIES,
        form=form or {},
        errors=errors or {},
        status_code=status_code,
    )


@get("/report/{area_id:int}", include_in_schema=False)
async def report_form(area_id: FromPath[int]) -> Template:
    return await _form(area_id)


@post("/report/{area_id:int}", include_in_schema=False, request_max_body_size=UPLOAD_LIMIT)
async def report_submit(request: Request, area_id: FromPath[int]) -> Template | Redirect:
    kept = {k: v for k, v in (await form_data(request)).items() if isinstance(v, str)}
    try:
        raw = {
            "area_id": kept.get("area_id") or area_id,
            "category": kept.get("category", ""),
            "description": kept.get("description", ""),
            "consent": kept.get("consent") == "on",
            "phone": kept.get("phone", "").strip() or None,
        }
        try:
            data = convert_form(raw, ReportIn)
        except Invalid as exc:
            raise _plain(exc) from exc
        filed = await filing.file_report(data, await _uploads(request), client_address(request))
    except DomainError as exc:
        return await _form(area_id, kept, form_errors(exc), exc.status)
    return redirect(f"/track/{filed.code}?new=1")


@get("/track", include_in_schema=False)
async def track_lookup(code: FromQuery[str | None] = None) -> Template | Redirect:
    """Type the tracking code in (a plain GET form: no JavaScript, works from any phone)."""
    cleaned = (code or "").strip().upper()
    if cleaned and len(cleaned) <= 16 and cleaned.isalnum() and cleaned.isascii():
        return redirect(f"/track/{cleaned}")
    return render(
        "resident_reports/track_lookup.html",
        None,
        code=code or "",
        errors={"code": "No report with this tracking code"} if code else {},
    )


@get("/track/{code:str}", include_in_schema=False)
async def track_page(code: FromPath[str], new: FromQuery[int | None] = None) -> Template:
    return render("resident_reports/track.html", None, report=await filing.track(code), new=bool(new))


@post("/track/{code:str}/rating", include_in_schema=False)
async def rate_submit(request: Request, code: FromPath[str]) -> Template | Redirect:
    form = await form_data(request)
    try:
        await filing.rate(
            code,
            convert_form({"satisfaction": form.get("satisfaction", ""), "comment": form.get("comment", "")}, RatingIn),
        )
    except DomainError as exc:
        return render(
            "resident_reports/track.html",
            None,
            report=await filing.track(code),
            errors=form_errors(exc),
            status_code=exc.status,
        )
    return redirect(f"/track/{code}")


# -- staff ----------------------------------------------------------------------------------------

VIEWS = ("waiting", "mine", "overdue", "escalated", "all")
VIEW_FILTERS: dict[str, dict[str, Any]] = {
    "waiting": {"status": "submitted"},
    "mine": {"mine": True, "status": "accepted,referred"},
    "overdue": {"overdue": True},
    "escalated": {"escalated": True},
    "all": {},
}


@get("/resident-reports", include_in_schema=False)
async def queue_page(
    principal: NamedDependency[Principal],
    paging: NamedDependency[PageRequest],
    view: FromQuery[str] = "waiting",
    colour: FromQuery[str | None] = None,
) -> Template:
    if view not in VIEWS:
        raise Invalid("Unknown view", {"view": "unknown view"})
    filters = VIEW_FILTERS[view]
    page = await service.list_reports(principal, paging, colour=colour, **filters)
    return render("resident_reports/queue.html", principal, page=page, view=view, views=VIEWS)


@get("/resident-reports/{report_id:int}", include_in_schema=False)
async def report_page(principal: NamedDependency[Principal], report_id: FromPath[int]) -> Template:
    return await _detail(principal, report_id)


async def _detail(
    principal: Principal, report_id: int, errors: dict[str, str] | None = None, status_code: int = 200
) -> Template:
    report = await service.get_report(principal, report_id)
    actions = await service.actions_for(principal, report_id)
    handlers = await places.handlers_of(report) if {"transfer", "reassign"} & actions else []
    return render(
        "resident_reports/detail.html",
        principal,
        report=report,
        actions=actions,
        handlers=handlers,
        errors=errors or {},
        status_code=status_code,
    )


@get("/resident-reports/{report_id:int}/photos/{photo_id:int}", include_in_schema=False)
async def photo(
    principal: NamedDependency[Principal], report_id: FromPath[int], photo_id: FromPath[int]
) -> Response[bytes]:
    data = await service.photo_file(principal, report_id, photo_id)
    return Response(data, media_type="image/jpeg", headers={"cache-control": "private, no-store"})


def _triage_in(form: dict[str, Any]) -> TriageIn:
    return convert_form({k: form[k] for k in ("urgency", "importance") if form.get(k)}, TriageIn)


async def _act(principal: Principal, report_id: int, action: str, form: dict[str, Any], files: list[bytes]) -> None:
    if action == "accept":
        await service.accept(principal, report_id, _triage_in(form))
    elif action == "triage":
        await service.triage(principal, report_id, _triage_in(form))
    elif action == "resolve":
        await service.resolve(principal, report_id, convert_form({"note": form.get("note", "")}, ResolveIn), files)
    elif action == "refer":
        await service.to_need(
            principal,
            report_id,
            convert_form({"title": form.get("title", ""), "category": form.get("category") or "other"}, ToNeedIn),
        )
    elif action in ("transfer", "reassign"):
        data = convert_form({"account_id": form.get("account_id", ""), "reason": form.get("reason", "")}, HandOverIn)
        await (service.transfer if action == "transfer" else service.reassign)(principal, report_id, data)
    elif action == "chase":
        await service.chase(principal, report_id, convert_form({"note": form.get("note", "")}, ChaseIn))
    else:
        raise Invalid("Unknown action", {"_form": "unknown action"})


@post("/resident-reports/{report_id:int}/{action:str}", include_in_schema=False, request_max_body_size=UPLOAD_LIMIT)
async def act(
    request: Request, principal: NamedDependency[Principal], report_id: FromPath[int], action: FromPath[str]
) -> Template | Redirect:
    form = await form_data(request)
    files = await _uploads(request)
    try:
        await _act(principal, report_id, action, form, files)
    except DomainError as exc:
        if exc.status == 404:
            raise
        return await _detail(principal, report_id, form_errors(exc), exc.status)
    return redirect(f"/resident-reports/{report_id}")


@get("/resident-reports/kpis", include_in_schema=False)
async def kpi_page(
    principal: NamedDependency[Principal],
    area_id: FromQuery[int | None] = None,
    period: FromQuery[str | None] = None,
    by: FromQuery[str] = "grid",
) -> Template:
    table = await kpis.kpi_table(principal, area_id=area_id, period=period, group=by)
    return render("resident_reports/kpis.html", principal, table=table, by=by, groups=list(kpis.GROUPS))


@get("/resident-reports/kpis/section", include_in_schema=False)
async def kpi_section(
    principal: NamedDependency[Principal], area_id: FromQuery[int | None] = None, period: FromQuery[str | None] = None
) -> Template:
    """The short block the KPI page (三率) loads for residents' reports."""
    table = await kpis.kpi_table(principal, area_id=area_id, period=period, group="grid")
    return render("resident_reports/_kpi_section.html", principal, table=table)


ROUTES = [
    report_form,
    report_submit,
    track_lookup,
    track_page,
    rate_submit,
    queue_page,
    report_page,
    photo,
    act,
    kpi_page,
    kpi_section,
]
TEMPLATE_GLOBALS = [("report_label", report_label)]
NAV = [NavItem("Residents' reports", "/resident-reports", STAFF_ROLES, order=35)]
