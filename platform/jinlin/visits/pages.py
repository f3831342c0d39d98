"""走访 pages: the visit list (phone-first), the one-minute visit form, coverage for staff."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from jinlin.auth.principal import COMMUNITY_ROLES, STAFF_ROLES, Principal
from jinlin.catalog.codes import CATEGORY_LABELS, FOCUS_GROUPS
from jinlin.core import clock
from jinlin.core.errors import DomainError, NotFound
from jinlin.core.nav import NavItem
from jinlin.core.pages import convert_form, form_data, form_errors, redirect, render
from jinlin.households import access
from jinlin.households.service import household_groups
from jinlin.needs.pages import options
from jinlin.visits import coverage, plans, service
from jinlin.visits.due import local_date
from jinlin.visits.schemas import FollowUpReport, PlansIn, VisitIn


@get("/visits", include_in_schema=False)
async def visit_list_page(principal: NamedDependency[Principal], done: FromQuery[int | None] = None) -> Template:
    items = await service.visit_list(principal)
    return render("visits/list.html", principal, items=items, done=done)


async def _form(
    principal: Principal,
    household_id: int,
    *,
    status_code: int = 200,
    errors: dict | None = None,
    values: dict | None = None,
) -> Template:
    row = await service.visitable_household(principal, household_id)
    groups = (await household_groups([household_id]))[household_id]
    defaults = {"visited_on": local_date(clock.now()).isoformat(), "method": "home"}
    return render(
        "visits/form.html",
        principal,
        status_code=status_code,
        household=row,
        groups=groups,
        errors=errors or {},
        values={**defaults, **(values or {})},
        categories=options(CATEGORY_LABELS),
    )


@get("/visits/new/{household_id:int}", include_in_schema=False)
async def visit_form(principal: NamedDependency[Principal], household_id: FromPath[int]) -> Template:
    return await _form(principal, household_id)


@post("/visits/new/{household_id:int}", include_in_schema=False)
async def visit_submit(
    principal: NamedDependency[Principal], household_id: FromPath[int], request: Request
) -> Template | Redirect:
    form = await form_data(request)
    raw: dict[str, Any] = {k: form.get(k) for k in ("visited_on", "method", "findings", "follow_up")}
    raw["household_id"] = household_id
    if form.get("make_need") == "on":
        raw["need"] = {
            "title": str(form.get("need_title") or "").strip(),
            "category": form.get("need_category") or "other",
        }
    try:
        await service.record_visit(principal, convert_form(raw, VisitIn))
    except DomainError as exc:
        if exc.status == 404:
            raise
        errors = form_errors(exc)
        if any(k.startswith("need") for k in errors):
            errors["need_title"] = errors.get("need_title") or errors.get("need.title") or errors.get("need") or ""
        return await _form(
            principal,
            household_id,
            status_code=exc.status,
            errors=errors,
            values={**form, "make_need": form.get("make_need") == "on"},
        )
    return redirect("/visits?done=1")


async def _report_form(
    principal: Principal,
    visit_id: int,
    *,
    status_code: int = 200,
    errors: dict | None = None,
    values: dict | None = None,
) -> Template:
    from jinlin.resident_reports.labels import LABELS

    visit, household, places = await service.report_form(principal, visit_id)
    return render(
        "visits/report_form.html",
        principal,
        status_code=status_code,
        visit=visit,
        household=household,
        places=[(str(i), name) for i, name in places],
        categories=options(LABELS["category"]),
        errors=errors or {},
        values={"area_id": str(household["grid"]), "category": "facilities", **(values or {})},
    )


@get("/visits/{visit_id:int}/report", include_in_schema=False)
async def report_form(principal: NamedDependency[Principal], visit_id: FromPath[int]) -> Template:
    return await _report_form(principal, visit_id)


@post("/visits/{visit_id:int}/report", include_in_schema=False)
async def report_submit(
    principal: NamedDependency[Principal], visit_id: FromPath[int], request: Request
) -> Template | Redirect:
    form = await form_data(request)
    raw: dict[str, Any] = {k: form.get(k) for k in ("description", "category", "area_id") if form.get(k)}
    raw["accept"] = form.get("accept") == "on"
    try:
        visit = await service.follow_up_to_report(principal, visit_id, convert_form(raw, FollowUpReport))
    except DomainError as exc:
        if exc.status == 404:
            raise
        values = {**form, "accept": form.get("accept") == "on"}
        return await _report_form(principal, visit_id, status_code=exc.status, errors=form_errors(exc), values=values)
    return redirect(f"/resident-reports/{visit.report_id}")


@get("/visits/coverage", include_in_schema=False)
async def coverage_page(principal: NamedDependency[Principal], area_id: FromQuery[int | None] = None) -> Template:
    primary = principal.primary
    if area_id is None:
        if primary is None or primary.role not in STAFF_ROLES:
            raise NotFound("Area not found")
        area_id = primary.area_id
    from jinlin.households.counts import counts

    rows = await coverage.coverage(principal, area_id)
    area = await access.area_of(area_id)
    return render("visits/coverage.html", principal, rows=rows, area=area, counts=await counts(principal, area_id))


def _admin_community(principal: Principal) -> int:
    mine = sorted(principal.org_ids(frozenset({"community_admin"})))
    if not mine:
        raise NotFound("Community not found")
    return mine[0]


async def _plans_page(
    principal: Principal, *, status_code: int = 200, errors: dict | None = None, saved: bool = False
) -> Template:
    from jinlin.households.pages import focus_options

    current = await plans.get_plans(principal, _admin_community(principal))
    return render(
        "visits/plans.html",
        principal,
        status_code=status_code,
        plans=current.plans,
        groups=focus_options(),
        errors=errors or {},
        saved=saved,
    )


@get("/visits/plans", include_in_schema=False)
async def plans_page(principal: NamedDependency[Principal], saved: FromQuery[int | None] = None) -> Template:
    return await _plans_page(principal, saved=bool(saved))


@post("/visits/plans", include_in_schema=False)
async def plans_submit(principal: NamedDependency[Principal], request: Request) -> Template | Redirect:
    form = await form_data(request)
    raw = {"plans": {code: form.get(code) for code in FOCUS_GROUPS if form.get(code)}}
    try:
        await plans.set_plans(principal, _admin_community(principal), convert_form(raw, PlansIn))
    except DomainError as exc:
        if exc.status == 404:
            raise
        return await _plans_page(principal, status_code=exc.status, errors=form_errors(exc))
    return redirect("/visits/plans?saved=1")


ROUTES = [
    visit_list_page,
    visit_form,
    visit_submit,
    report_form,
    report_submit,
    coverage_page,
    plans_page,
    plans_submit,
]
NAV = [
    NavItem("Visits", "/visits", COMMUNITY_ROLES, order=31),
    NavItem("Visit frequencies", "/visits/plans", frozenset({"community_admin"}), order=34),
    NavItem("Visit coverage", "/visits/coverage", STAFF_ROLES, order=82),
]
