"""Area tree pages: browse by parent with breadcrumbs, create a child, edit, delete, import a file."""

from __future__ import annotations

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from jinlin.areas import rollup, service
from jinlin.areas.schemas import AreaIn, AreaPatch
from jinlin.areas.tables import LEVEL_ORDER
from jinlin.auth.principal import STAFF_ROLES, Principal
from jinlin.core.errors import DomainError
from jinlin.core.nav import NavItem
from jinlin.core.pages import convert_form, form_data, form_errors, redirect, render, render_import
from jinlin.core.tabular import read_upload
from jinlin.imports import service as imports

EDITABLE = ("name", "code", "lat", "lon", "population")


def _child_level(level: str) -> str | None:
    i = LEVEL_ORDER.index(level) + 1
    return LEVEL_ORDER[i] if i < len(LEVEL_ORDER) else None


async def _area_page(
    principal: Principal, area_id: int, *, status_code: int = 200, errors: dict | None = None, form: dict | None = None
) -> Template:
    area = await service.get_row(area_id)
    children = await service.children_of(area_id)
    can_add_child = principal.can_manage_area(f"{area['path']}0/") and _child_level(area["level"]) is not None
    totals = await rollup.populations([area_id, *(c["id"] for c in children)])
    return render(
        "areas/area.html",
        principal,
        status_code=status_code,
        area=area,
        children=children,
        totals=totals,
        crumbs=await service.breadcrumbs(area["path"]),
        child_level=_child_level(area["level"]),
        can_add_child=can_add_child,
        can_manage=principal.can_manage_area(area["path"]),
        errors=errors or {},
        form=form or {},
    )


@get("/areas", include_in_schema=False)
async def area_roots(principal: NamedDependency[Principal]) -> Template:
    roots, own = await service.roots_and_own(principal)
    return render(
        "areas/roots.html",
        principal,
        roots=roots,
        own=own,
        can_import=principal.has_role("county_admin", "street_admin", "community_admin"),
    )


@get("/areas/{area_id:int}", include_in_schema=False)
async def area_detail(principal: NamedDependency[Principal], area_id: FromPath[int]) -> Template:
    return await _area_page(principal, area_id)


@post("/areas/{area_id:int}/children", include_in_schema=False)
async def create_child(
    request: Request, principal: NamedDependency[Principal], area_id: FromPath[int]
) -> Template | Redirect:
    raw = await form_data(request)
    try:
        data = convert_form({**raw, "parent_id": area_id}, AreaIn)
        created = await service.create_area(principal, data)
    except DomainError as exc:
        return await _area_page(principal, area_id, status_code=exc.status, errors=form_errors(exc), form=raw)
    return redirect(f"/areas/{created.id}")


@get("/areas/{area_id:int}/edit", include_in_schema=False)
async def edit_form(principal: NamedDependency[Principal], area_id: FromPath[int]) -> Template:
    area = await service.managed_row(principal, area_id)
    return render("areas/edit.html", principal, area=area, form=area, crumbs=await service.breadcrumbs(area["path"]))


@post("/areas/{area_id:int}/edit", include_in_schema=False)
async def edit_submit(
    request: Request, principal: NamedDependency[Principal], area_id: FromPath[int]
) -> Template | Redirect:
    raw = await form_data(request)
    area = await service.managed_row(principal, area_id)
    try:
        patch = convert_form({k: v for k, v in raw.items() if k in EDITABLE}, AreaPatch)
        # An emptied optional field clears it.
        cleared = {k: None for k in ("code", "lat", "lon", "population") if k in raw and raw[k] == ""}
        if cleared:
            patch = msgspec.structs.replace(patch, **cleared)
        await service.update_area(principal, area_id, patch)
    except DomainError as exc:
        return render(
            "areas/edit.html",
            principal,
            status_code=exc.status,
            area=area,
            form=raw,
            errors=form_errors(exc),
            crumbs=await service.breadcrumbs(area["path"]),
        )
    return redirect(f"/areas/{area_id}")


@post("/areas/{area_id:int}/delete", include_in_schema=False)
async def delete_submit(principal: NamedDependency[Principal], area_id: FromPath[int]) -> Template | Redirect:
    area = await service.get_row(area_id)
    try:
        await service.delete_area(principal, area_id)
    except DomainError as exc:
        return await _area_page(principal, area_id, status_code=exc.status, errors=form_errors(exc))
    return redirect(f"/areas/{area['parent']}" if area["parent"] else "/areas")


@get("/areas/import", include_in_schema=False)
async def import_form(principal: NamedDependency[Principal]) -> Template:
    service.check_import(principal)  # the form is for those who may send it
    return render("areas/import.html", principal, headers=list(service.IMPORT_HEADERS.values()), row_errors=[])


@post("/areas/import", include_in_schema=False)
async def import_submit(request: Request, principal: NamedDependency[Principal]) -> Template | Redirect:
    form = await request.form()

    async def run() -> list[int] | Redirect:
        done = await imports.start(principal, "areas", await read_upload(form.get("file")))
        return redirect(done.job.page_url) if done.job else done.result

    return await render_import("areas/import.html", principal, list(service.IMPORT_HEADERS.values()), run)


ROUTES = [area_roots, area_detail, create_child, edit_form, edit_submit, delete_submit, import_form, import_submit]
NAV = [NavItem("Areas", "/areas", STAFF_ROLES, order=10)]
