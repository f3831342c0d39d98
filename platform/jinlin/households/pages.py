"""Pages of the grid's records: the household list (phone-first), a household's full record, import/export."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from jinlin.areas.choices import area_options
from jinlin.auth.principal import COMMUNITY_ROLES, Principal
from jinlin.catalog.codes import BENEFICIARY_LABELS, FOCUS_GROUPS
from jinlin.core.errors import DomainError, NotFound
from jinlin.core.i18n import gettext
from jinlin.core.nav import NavItem
from jinlin.core.pages import convert_form, form_data, form_errors, form_list, redirect, render
from jinlin.core.tabular import read_upload
from jinlin.households import access, grants, keeping, service, spreadsheet
from jinlin.households.api import XLSX
from jinlin.households.schemas import GrantIn, HouseholdIn, ResidentIn, ResidentPatch
from jinlin.imports import service as imports

# A refused save answers as refused: re-rendering the record would show (and log a view of) it to someone
# who may not keep it.
REFUSED = (403, 404)


def focus_options() -> list[tuple[str, str]]:
    return [(code, gettext(BENEFICIARY_LABELS[code])) for code in FOCUS_GROUPS]


async def _grids(principal: Principal) -> list[tuple[int, str]]:
    """Grids the principal keeps records of (for the add-household form): its post grids, its communities' grids."""
    scope = await access.scope_of(principal)
    paths = list(scope.post_paths) + principal.area_paths(frozenset({"community_admin"}))
    rows = await area_options(levels=("grid",), paths=paths)
    return sorted(((r["id"], r["name"]) for r in rows), key=lambda r: r[1])


async def _list(
    principal: Principal,
    grid_id: int | None,
    status_code: int = 200,
    errors: dict | None = None,
    values: dict | None = None,
) -> Template:
    households = await service.list_households(principal, grid_id=grid_id)
    return render(
        "households/list.html",
        principal,
        status_code=status_code,
        households=households,
        grids=await _grids(principal),
        grid_id=grid_id or "",
        errors=errors or {},
        values=values or {},
        is_staff=bool(principal.community_ids),
    )


@get("/households", include_in_schema=False)
async def households_list(principal: NamedDependency[Principal], grid_id: FromQuery[int | None] = None) -> Template:
    return await _list(principal, grid_id)


@post("/households/new", include_in_schema=False)
async def household_create(principal: NamedDependency[Principal], request: Request) -> Template | Redirect:
    form = await form_data(request)
    try:
        household = await keeping.create_household(principal, convert_form(form, HouseholdIn))
    except DomainError as exc:
        return await _list(principal, None, exc.status, form_errors(exc), form)
    return redirect(f"/households/{household.id}")


async def _detail(
    principal: Principal,
    household_id: int,
    *,
    status_code: int = 200,
    errors: dict | None = None,
    values: dict | None = None,
    revealed: dict[int, str] | None = None,
) -> Template:
    from jinlin.visits.service import visits_of

    household = await service.get_household(principal, household_id)
    row, scope, _ = await access.readable_household(principal, household_id)
    return render(
        "households/detail.html",
        principal,
        status_code=status_code,
        household=household,
        visits=(await visits_of(principal, household_id))[:10],
        can_write=scope.can_write(row),
        groups=focus_options(),
        errors=errors or {},
        values=values or {},
        revealed=revealed or {},
    )


@get("/households/{household_id:int}", include_in_schema=False)
async def household_page(principal: NamedDependency[Principal], household_id: FromPath[int]) -> Template:
    return await _detail(principal, household_id)


@post("/households/{household_id:int}/residents", include_in_schema=False)
async def resident_create(
    principal: NamedDependency[Principal], household_id: FromPath[int], request: Request
) -> Template | Redirect:
    form = await form_data(request)
    raw: dict[str, Any] = {
        **form,
        "focus_groups": form_list(form.get("focus_groups")),
        "consent_contact": form.get("consent_contact") == "on",
    }
    try:
        await keeping.add_resident(principal, household_id, convert_form(raw, ResidentIn))
    except DomainError as exc:
        if exc.status in REFUSED:
            raise
        return await _detail(principal, household_id, status_code=exc.status, errors=form_errors(exc), values=raw)
    return redirect(f"/households/{household_id}")


@post("/households/{household_id:int}/residents/{resident_id:int}/reveal", include_in_schema=False)
async def resident_reveal(
    principal: NamedDependency[Principal], household_id: FromPath[int], resident_id: FromPath[int], request: Request
) -> Template:
    form = await form_data(request)
    try:
        revealed = await service.reveal_id(principal, resident_id, str(form.get("reason") or "").strip())
    except DomainError as exc:
        if exc.status == 404:
            raise
        return await _detail(
            principal, household_id, status_code=exc.status, errors={f"reason-{resident_id}": "Give a reason"}
        )
    return await _detail(principal, household_id, revealed={resident_id: revealed.id_number})


async def _edit(
    principal: Principal,
    household_id: int,
    resident_id: int,
    *,
    status_code: int = 200,
    errors: dict | None = None,
    values: dict | None = None,
) -> Template:
    resident = await keeping.resident_to_edit(principal, household_id, resident_id)
    current = {
        "name": resident.name,
        "gender": resident.gender,
        "birth_year": resident.birth_year,
        "relation": resident.relation,
        "phone": resident.phone,
        "focus_groups": resident.focus_groups,
        "care_note": resident.care_note,
        "consent_contact": resident.consent_contact,
    }
    return render(
        "households/resident_form.html",
        principal,
        status_code=status_code,
        resident=resident,
        household_id=household_id,
        groups=focus_options(),
        errors=errors or {},
        values=values or current,
    )


@get("/households/{household_id:int}/residents/{resident_id:int}/edit", include_in_schema=False)
async def resident_edit(
    principal: NamedDependency[Principal], household_id: FromPath[int], resident_id: FromPath[int]
) -> Template:
    return await _edit(principal, household_id, resident_id)


@post("/households/{household_id:int}/residents/{resident_id:int}/edit", include_in_schema=False)
async def resident_update(
    principal: NamedDependency[Principal], household_id: FromPath[int], resident_id: FromPath[int], request: Request
) -> Template | Redirect:
    form = await form_data(request)
    raw: dict[str, Any] = {k: form.get(k) or "" for k in ("name", "gender", "relation", "phone", "care_note")}
    raw.update(focus_groups=form_list(form.get("focus_groups")), consent_contact=form.get("consent_contact") == "on")
    if form.get("birth_year"):
        raw["birth_year"] = form.get("birth_year")
    if form.get("id_number"):  # left empty: the stored number stays
        raw["id_number"] = form.get("id_number")
    try:
        await keeping.update_resident(principal, resident_id, convert_form(raw, ResidentPatch))
    except DomainError as exc:
        if exc.status in REFUSED:
            raise
        return await _edit(
            principal,
            household_id,
            resident_id,
            status_code=exc.status,
            errors=form_errors(exc),
            values={**raw, "id_number": ""},
        )
    return redirect(f"/households/{household_id}")


@post("/households/{household_id:int}/move-out", include_in_schema=False)
async def household_move_out(principal: NamedDependency[Principal], household_id: FromPath[int]) -> Redirect:
    await keeping.move_out_household(principal, household_id)
    return redirect(f"/households/{household_id}")


@post("/households/{household_id:int}/residents/{resident_id:int}/move-out", include_in_schema=False)
async def resident_move_out(
    principal: NamedDependency[Principal], household_id: FromPath[int], resident_id: FromPath[int]
) -> Redirect:
    await keeping.move_out_resident(principal, resident_id)
    return redirect(f"/households/{household_id}")


@get("/households/export.xlsx", include_in_schema=False)
async def households_export(principal: NamedDependency[Principal]) -> Response[bytes]:
    return Response(
        await spreadsheet.export_households(principal),
        media_type=XLSX,
        headers={"content-disposition": 'attachment; filename="households.xlsx"'},
    )


@get("/households/template.xlsx", include_in_schema=False)
async def households_template(principal: NamedDependency[Principal]) -> Response[bytes]:
    return Response(
        spreadsheet.template(),
        media_type=XLSX,
        headers={"content-disposition": 'attachment; filename="households-template.xlsx"'},
    )


@post("/households/import", include_in_schema=False)
async def households_import(principal: NamedDependency[Principal], request: Request) -> Template | Redirect:
    form = await request.form()
    try:
        done = await imports.start(principal, "households", await read_upload(form.get("file")))
        if done.job:
            return redirect(done.job.page_url)
        count = done.result
    except DomainError as exc:
        return render(
            "households/import_result.html",
            principal,
            status_code=exc.status,
            errors=getattr(exc, "errors", []),
            message=exc.message,
            imported=0,
        )
    return render("households/import_result.html", principal, errors=[], message="", imported=count)


def _admin_community(principal: Principal) -> int:
    mine = sorted(principal.org_ids(frozenset({"community_admin"})))
    if not mine:
        raise NotFound("Community not found")
    return mine[0]


async def _grants_page(
    principal: Principal, *, status_code: int = 200, errors: dict | None = None, values: dict | None = None
) -> Template:
    community_id = _admin_community(principal)
    accounts, areas = await grants.grant_form_choices(principal, community_id)
    return render(
        "households/grants.html",
        principal,
        status_code=status_code,
        grants=await grants.list_grants(principal, community_id),
        accounts=accounts,
        areas=areas,
        names=dict(accounts),
        errors=errors or {},
        values=values or {},
    )


@get("/households/grants", include_in_schema=False)
async def grants_page(principal: NamedDependency[Principal]) -> Template:
    return await _grants_page(principal)


@post("/households/grants", include_in_schema=False)
async def grant_create(principal: NamedDependency[Principal], request: Request) -> Template | Redirect:
    form = await form_data(request)
    raw = dict(form)
    if raw.get("ends_on"):
        raw["ends_at"] = f"{raw.pop('ends_on')}T23:59:59+08:00"  # the end of that day, China time
    try:
        await grants.create_grant(principal, convert_form(raw, GrantIn))
    except DomainError as exc:
        if exc.status == 404:
            raise
        return await _grants_page(principal, status_code=exc.status, errors=form_errors(exc), values=form)
    return redirect("/households/grants")


@post("/households/grants/{grant_id:int}/revoke", include_in_schema=False)
async def grant_revoke(principal: NamedDependency[Principal], grant_id: FromPath[int]) -> Redirect:
    await grants.revoke_grant(principal, grant_id)
    return redirect("/households/grants")


ROUTES = [
    grants_page,
    grant_create,
    grant_revoke,
    households_list,
    household_create,
    household_page,
    resident_create,
    resident_edit,
    resident_update,
    resident_reveal,
    household_move_out,
    resident_move_out,
    households_export,
    households_template,
    households_import,
]
NAV = [
    NavItem("Households", "/households", COMMUNITY_ROLES, order=30),
    NavItem("Access grants", "/households/grants", frozenset({"community_admin"}), order=33),
]
TEMPLATE_GLOBALS = [("focus_label", lambda code: BENEFICIARY_LABELS.get(code, code))]
