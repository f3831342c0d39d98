"""Pages: staffing an area, the posts list with filters, the Excel import, and the public duty card."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from jinlin.auth.principal import STAFF_ROLES, Principal
from jinlin.core import clock
from jinlin.core.errors import DomainError, Invalid, NotFound
from jinlin.core.nav import NavItem
from jinlin.core.pages import convert_form, form_data, form_errors, redirect, render, render_import
from jinlin.core.pagination import MAX_LIMIT, PageRequest
from jinlin.core.tabular import read_upload
from jinlin.imports import service as imports
from jinlin.orgs.tables import UNIT_KINDS
from jinlin.posts import card, importer, policy, roster, service, workload
from jinlin.posts.schemas import CardIn, PolicyIn, PolicyOut, PostIn
from jinlin.posts.tables import POST_LEVEL

LIST_FILTERS = ("area_id", "kind", "department", "account_id", "status")


def xlsx_response(content: bytes, filename: str) -> Response:
    return Response(
        content, media_type=importer.XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


async def _staffing_page(
    principal: Principal, area_id: int, *, status_code: int = 200, errors: dict | None = None, form: dict | None = None
) -> Template:
    area = await service.area_row(area_id)
    if not service.can_read_area(principal, area["path"]):
        raise NotFound("Area not found")
    current = await service.list_posts(principal, None, area_id=area_id, exact_area=True)
    ended = await service.list_posts(principal, None, area_id=area_id, exact_area=True, status="ended")
    pol = await policy.policy(await policy.county_of(area["path"]))
    kinds = [(k, service.KIND_LABELS[k]) for k, level in POST_LEVEL.items() if level == area["level"]]
    return render(
        "posts/area.html",
        principal,
        status_code=status_code,
        area=area,
        posts=current.items,
        ended=ended.items,
        kinds=kinds,
        departments=pol.departments,
        labels=service.KIND_LABELS,
        can_staff=service.can_staff(principal, area["path"]),
        has_card=area["level"] in service.CARD_LEVELS,
        card_text=await service.card_text(area_id),
        errors=errors or {},
        form=form or {},
    )


@get("/areas/{area_id:int}/posts", include_in_schema=False)
async def area_posts(principal: NamedDependency[Principal], area_id: FromPath[int]) -> Template:
    return await _staffing_page(principal, area_id)


@post("/areas/{area_id:int}/posts", include_in_schema=False)
async def assign_submit(
    request: Request, principal: NamedDependency[Principal], area_id: FromPath[int]
) -> Template | Redirect:
    raw = await form_data(request)
    try:
        fields = {k: v for k, v in raw.items() if k != "username"}
        if raw.get("username", "").strip():
            fields["account_id"] = await service.account_id_for(raw["username"])
        await service.assign(principal, convert_form(fields, PostIn), area_id=area_id)
    except DomainError as exc:
        return await _staffing_page(principal, area_id, status_code=exc.status, errors=form_errors(exc), form=raw)
    return redirect(f"/areas/{area_id}/posts")


@post("/posts/{post_id:int}/end", include_in_schema=False)
async def end_submit(principal: NamedDependency[Principal], post_id: FromPath[int]) -> Template | Redirect:
    ended = await service.end_post(principal, post_id)
    return redirect(f"/areas/{ended.area_id}/posts")


@post("/areas/{area_id:int}/duty-card", include_in_schema=False)
async def card_submit(
    request: Request, principal: NamedDependency[Principal], area_id: FromPath[int]
) -> Template | Redirect:
    raw = await form_data(request)
    try:
        await service.update_card(principal, area_id, convert_form(raw, CardIn))
    except DomainError as exc:
        return await _staffing_page(principal, area_id, status_code=exc.status, errors=form_errors(exc), form=raw)
    return redirect(f"/areas/{area_id}/posts")


@get("/posts", include_in_schema=False)
async def posts_list(principal: NamedDependency[Principal], request: Request) -> Template:
    params = {k: request.query_params.get(k) or None for k in LIST_FILTERS}
    filters: dict[str, Any] = {
        "kind": params["kind"],
        "department": params["department"],
        "status": params["status"] or "current",
    }
    errors: dict[str, str] = {}
    for key in ("area_id", "account_id"):
        if (text := params[key]) is not None:
            try:
                filters[key] = int(text)
            except ValueError:
                errors[key] = "must be a whole number"
    page = await service.list_posts(principal, PageRequest(limit=MAX_LIMIT), **filters) if not errors else None
    return render(
        "posts/list.html",
        principal,
        status_code=400 if errors else 200,
        page=page,
        params=params,
        labels=service.KIND_LABELS,
        errors=errors,
    )


@get("/posts/import", include_in_schema=False)
async def import_form(principal: NamedDependency[Principal]) -> Template:
    importer.check_import(principal)  # the form is for those who may send it
    return render("posts/import.html", principal, headers=list(importer.HEADERS.values()), row_errors=[])


@get("/posts/import/template.xlsx", include_in_schema=False)
async def import_template(principal: NamedDependency[Principal]) -> Response:
    return xlsx_response(importer.template_xlsx(), "posts-template.xlsx")


@post("/posts/import", include_in_schema=False)
async def import_submit(request: Request, principal: NamedDependency[Principal]) -> Template | Redirect:
    form = await request.form()

    async def run() -> list[int] | Redirect:
        done = await imports.start(principal, "posts", await read_upload(form.get("file")))
        return redirect(done.job.page_url) if done.job else done.result

    return await render_import("posts/import.html", principal, list(importer.HEADERS.values()), run)


@get("/posts/workload", include_in_schema=False)
async def workload_page(principal: NamedDependency[Principal], area_id: FromQuery[int | None] = None) -> Template:
    root = area_id if area_id is not None else (principal.primary.area_id if principal.primary else 0)
    load = await workload.workload_for(principal, root)
    return render(
        "posts/workload.html",
        principal,
        load=load,
        labels=service.KIND_LABELS,
        county_id=await policy.county_of(load.root["path"]),
    )


@get("/posts/panel", include_in_schema=False)
async def home_panel(principal: NamedDependency[Principal]) -> Template:
    mine = await service.list_posts(principal, None, account_id=principal.account_id)
    return render(
        "posts/_panel_body.html",
        principal,
        posts=mine.items,
        feed=await roster.member_feed(principal),
        labels=service.KIND_LABELS,
    )


@get("/organizations/{org_id:int}/service-record", include_in_schema=False)
async def service_record(principal: NamedDependency[Principal], org_id: FromPath[int]) -> Template:
    return render(
        "posts/_service_record.html",
        principal,
        record=await roster.unit_record(principal, org_id),
        org_id=org_id,
        year=clock.now().year,
    )


@get("/organizations/{org_id:int}/service-report.xlsx", include_in_schema=False)
async def service_report_page(
    principal: NamedDependency[Principal],
    org_id: FromPath[int],
    year: FromQuery[str] = "",
    quarter: FromQuery[str] = "",
) -> Response:
    try:
        y, q = int(year), int(quarter) if quarter else None
    except ValueError as exc:
        raise Invalid("Choose a year and quarter", {"year": "a year such as 2026"}) from exc
    return xlsx_response(await roster.service_report_xlsx(principal, org_id, y, q), f"service-{org_id}-{y}.xlsx")


def _departments_text(pol: PolicyOut) -> str:
    return "\n".join(f"{d.code} {d.zh} {d.en}" for d in pol.departments)


async def _policy_page(
    principal: Principal,
    county_id: int,
    *,
    status_code: int = 200,
    errors: dict | None = None,
    form: dict | None = None,
) -> Template:
    pol = await policy.get_policy(principal, county_id)
    form = form or {
        "departments": _departments_text(pol),
        "split_population": pol.split_population,
        "split_residents_per_worker": pol.split_residents_per_worker,
    }
    return render(
        "posts/policy.html",
        principal,
        status_code=status_code,
        county_id=county_id,
        form=form,
        errors=errors or {},
        can_edit=principal.is_county_admin,
    )


@get("/posts/policy/{county_id:int}", include_in_schema=False)
async def policy_page(principal: NamedDependency[Principal], county_id: FromPath[int]) -> Template:
    return await _policy_page(principal, county_id)


@post("/posts/policy/{county_id:int}", include_in_schema=False)
async def policy_submit(
    request: Request, principal: NamedDependency[Principal], county_id: FromPath[int]
) -> Template | Redirect:
    raw = await form_data(request)
    try:
        data = convert_form(
            {
                "departments": policy.parse_departments(raw.get("departments", "")),
                "split_population": raw.get("split_population"),
                "split_residents_per_worker": raw.get("split_residents_per_worker"),
            },
            PolicyIn,
        )
        await policy.set_policy(principal, county_id, data)
    except DomainError as exc:
        return await _policy_page(principal, county_id, status_code=exc.status, errors=form_errors(exc), form=raw)
    return redirect(f"/posts/policy/{county_id}")


# -- the public duty card (no login) --------------------------------------------------------------
@get("/cards/{area_id:int}", include_in_schema=False)
async def duty_card(
    request: Request, maybe_principal: NamedDependency[Principal | None], area_id: FromPath[int]
) -> Template:
    data = await card.duty_card(maybe_principal, area_id)
    url = _base_url(request) + card.card_path(area_id)
    return render(
        "posts/card.html",
        maybe_principal,
        labels=service.KIND_LABELS,
        card_url=url,
        qr=card.qr_svg(url).decode(),
        **data,
    )


@get("/cards/{area_id:int}/print", include_in_schema=False)
async def duty_card_print(
    request: Request,
    maybe_principal: NamedDependency[Principal | None],
    area_id: FromPath[int],
    size: FromQuery[str] = "a5",
) -> Template:
    data = await card.duty_card(None, area_id)  # a printed sheet hangs in a stairwell: always masked
    url = _base_url(request) + card.card_path(area_id)
    return render(
        "posts/print.html",
        maybe_principal,
        labels=service.KIND_LABELS,
        card_url=url,
        size="a4" if size == "a4" else "a5",
        qr=card.qr_svg(url).decode(),
        **data,
    )


@get("/cards/{area_id:int}/qr.png", include_in_schema=False)
async def duty_card_qr(request: Request, area_id: FromPath[int]) -> Response:
    await card.card_area(area_id)
    return Response(card.qr_png(_base_url(request) + card.card_path(area_id)), media_type="image/png")


ROUTES = [
    policy_page,
    policy_submit,
    home_panel,
    service_record,
    service_report_page,
    workload_page,
    area_posts,
    assign_submit,
    end_submit,
    card_submit,
    posts_list,
    import_form,
    import_template,
    import_submit,
    duty_card,
    duty_card_print,
    duty_card_qr,
]
NAV = [
    NavItem("Posts", "/posts", STAFF_ROLES, order=12),
    NavItem("Workload and coverage", "/posts/workload", service.STAFFING_ROLES, order=13),
]
PANELS = [("*", "posts/panel.html")]
ORG_PANELS = [(kind, "posts/_org_record.html") for kind in sorted(UNIT_KINDS)]
