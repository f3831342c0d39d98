"""资源清单 pages: the offers list, the post and edit forms for liaisons and team leaders, an offer's page."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from jinlin.areas.choices import area_names, area_options
from jinlin.areas.labels import path_labels
from jinlin.auth.principal import UNIT_ROLES, Principal
from jinlin.catalog.codes import CATEGORY_LABELS
from jinlin.core import clock
from jinlin.core.errors import DomainError, Forbidden, NotFound
from jinlin.core.forms import kept_values
from jinlin.core.nav import NavItem
from jinlin.core.pages import convert_form, form_data, form_errors, redirect, render
from jinlin.core.pagination import PageRequest
from jinlin.core.tabular import read_upload
from jinlin.imports import service as imports
from jinlin.matches import candidates
from jinlin.matches import service as matches
from jinlin.needs.api import XLSX
from jinlin.needs.pages import options
from jinlin.offers import service, spreadsheet
from jinlin.offers.schemas import OfferIn, OfferPatch

OFFER_STATUSES = ["draft", "published", "paused", "exhausted", "withdrawn"]


def _units(principal: Principal) -> list[tuple[int, str]]:
    return sorted({(m.organization_id, m.organization_name) for m in principal.memberships if m.role in UNIT_ROLES})


async def _areas() -> list[tuple[int, str]]:
    rows = await area_options(levels=["street", "community"], limit=5000)
    county = rows[0]["path"].strip("/").split("/")[0] if rows else ""
    return await path_labels(rows, below=f"/{county}/" if county else "")  # "东街道 › 社区A"


@get("/offers", include_in_schema=False)
async def offers_list(
    principal: NamedDependency[Principal],
    paging: NamedDependency[PageRequest],
    status: FromQuery[str | None] = None,
    category: FromQuery[str | None] = None,
    area_id: FromQuery[int | None] = None,
    mine: FromQuery[bool | None] = None,
) -> Template:
    organization_id = sorted(principal.unit_ids)[0] if mine and principal.unit_ids else None
    page = await service.list_offers(
        principal,
        paging,
        status=status or ("" if mine else "published"),
        category=category,
        area_id=area_id,
        organization_id=organization_id,
    )
    query = "&".join(
        f"{k}={v}"
        for k, v in (("status", status), ("category", category), ("area_id", area_id), ("mine", "1" if mine else None))
        if v
    )
    return render(
        "offers/list.html",
        principal,
        page=page,
        categories=options(CATEGORY_LABELS),
        statuses=OFFER_STATUSES,
        filters={"status": status or "", "category": category or "", "mine": mine},
        query=query,
        can_post=bool(principal.unit_ids),
    )


@get("/offers/new", include_in_schema=False)
async def offer_form(principal: NamedDependency[Principal]) -> Template:
    service.require_offerer(principal)
    units = _units(principal)
    values: dict[str, Any] = {"capacity": 1, "organization_id": units[0][0] if units else ""}
    return render(
        "offers/form.html",
        principal,
        values=values,
        units=units,
        areas=await _areas(),
        categories=options(CATEGORY_LABELS),
    )


@post("/offers/new", include_in_schema=False)
async def offer_submit(principal: NamedDependency[Principal], request: Request) -> Template | Redirect:
    form = await form_data(request)
    raw = {**form, "publish": form.get("_draft") is None}
    try:
        offer = await service.create_offer(principal, convert_form(raw, OfferIn))
    except DomainError as exc:
        return render(
            "offers/form.html",
            principal,
            status_code=exc.status,
            errors=form_errors(exc),
            values=kept_values(raw, OfferIn),
            units=_units(principal),
            areas=await _areas(),
            categories=options(CATEGORY_LABELS),
        )
    return redirect(f"/offers/{offer.id}")


@get("/offers/{offer_id:int}", include_in_schema=False)
async def offer_page(principal: NamedDependency[Principal], offer_id: FromPath[int]) -> Template:
    offer = await service.get_offer(principal, offer_id)
    row = await service.get_row(offer_id)
    manage = service.can_manage(principal, row)
    near = []
    if manage:
        near = [
            c
            for c in await candidates.candidate_needs(principal, offer.organization_id)
            if any(o.id == offer_id for o in c["offers"])
        ]
    names = await area_names(offer.service_area_ids)
    rows, _ = await matches.query_matches(principal, None, offer_id=offer_id)
    return render(
        "offers/detail.html",
        principal,
        offer=offer,
        manage=manage,
        near=near,
        area_names=[names.get(i, str(i)) for i in offer.service_area_ids],
        matches=[matches.to_out(r) for r in rows],
    )


# What an emptied field of the edit form means (a form sends nothing for an unchecked box or an empty box).
_CLEARED: dict[str, Any] = {
    "description": "",
    "unit": "",
    "item": "",
    "service_area_ids": [],
    "radius_km": None,
    "available_from": None,
    "available_until": None,
    "skills": [],
}


def _edit_values(row: dict[str, Any]) -> dict[str, Any]:
    offer = service.to_out(row)
    return {
        "title": offer.title,
        "category": offer.category,
        "capacity": offer.capacity,
        "unit": offer.unit,
        "item": offer.item,
        "service_area_ids": [str(i) for i in offer.service_area_ids],
        "radius_km": offer.radius_km if offer.radius_km is not None else "",
        "available_from": clock.local(offer.available_from, "%Y-%m-%dT%H:%M"),
        "available_until": clock.local(offer.available_until, "%Y-%m-%dT%H:%M"),
        "skills": ", ".join(offer.skills),
        "description": offer.description,
    }


async def _edit_page(
    principal: Principal, offer_id: int, values: dict[str, Any], *, errors: dict | None = None, status_code: int = 200
) -> Template:
    return render(
        "offers/form.html",
        principal,
        status_code=status_code,
        offer=await service.get_offer(principal, offer_id),
        values=values,
        errors=errors or {},
        units=_units(principal),
        areas=await _areas(),
        categories=options(CATEGORY_LABELS),
    )


async def _managed_row(principal: Principal, offer_id: int) -> dict[str, Any]:
    row = await service.get_visible_row(principal, offer_id)
    if not service.can_manage(principal, row):
        raise Forbidden("Only the unit's liaison or the team's leader edits its offers")
    return row


@get("/offers/{offer_id:int}/edit", include_in_schema=False)
async def offer_edit(principal: NamedDependency[Principal], offer_id: FromPath[int]) -> Template:
    row = await _managed_row(principal, offer_id)
    return await _edit_page(principal, offer_id, _edit_values(row))


@post("/offers/{offer_id:int}/edit", include_in_schema=False)
async def offer_edit_submit(
    principal: NamedDependency[Principal], offer_id: FromPath[int], request: Request
) -> Template | Redirect:
    await _managed_row(principal, offer_id)
    raw = await form_data(request)
    try:
        patch = convert_form(raw, OfferPatch)
        emptied = {k: v for k, v in _CLEARED.items() if raw.get(k) in (None, "", [])}
        await service.update_offer(principal, offer_id, msgspec.structs.replace(patch, **emptied))
    except DomainError as exc:
        values = kept_values(raw, OfferPatch)
        return await _edit_page(principal, offer_id, values, errors=form_errors(exc), status_code=exc.status)
    return redirect(f"/offers/{offer_id}")


@post("/offers/{offer_id:int}/{action:str}", include_in_schema=False)
async def offer_action(
    principal: NamedDependency[Principal], offer_id: FromPath[int], action: FromPath[str]
) -> Redirect:
    fn = {"publish": service.publish_offer, "pause": service.pause_offer, "withdraw": service.withdraw_offer}.get(
        action
    )
    if fn is None:
        raise NotFound("No such action")
    await fn(principal, offer_id)
    return redirect(f"/offers/{offer_id}")


@get("/offers/export.xlsx", include_in_schema=False)
async def offers_export(
    principal: NamedDependency[Principal],
    status: FromQuery[str | None] = None,
    category: FromQuery[str | None] = None,
    area_id: FromQuery[int | None] = None,
    mine: FromQuery[bool | None] = None,
) -> Response[bytes]:
    organization_id = sorted(principal.unit_ids)[0] if mine and principal.unit_ids else None
    content = await spreadsheet.export_offers(
        principal, status=status, category=category, area_id=area_id, organization_id=organization_id
    )
    return Response(content, media_type=XLSX, headers={"content-disposition": 'attachment; filename="offers.xlsx"'})


@post("/offers/import", include_in_schema=False)
async def offers_import(principal: NamedDependency[Principal], request: Request) -> Template | Redirect:
    form = await request.form()
    try:
        done = await imports.start(principal, "offers", await read_upload(form.get("file")))
        if done.job:
            return redirect(done.job.page_url)
        ids = done.result
    except DomainError as exc:
        return render(
            "needs/import_result.html",
            principal,
            status_code=exc.status,
            errors=getattr(exc, "errors", []),
            message=exc.message,
            imported=0,
        )
    return render("needs/import_result.html", principal, errors=[], message="", imported=len(ids))


ROUTES = [
    offers_list,
    offer_form,
    offer_submit,
    offer_page,
    offer_edit,
    offer_edit_submit,
    offer_action,
    offers_export,
    offers_import,
]
NAV = [
    NavItem("Offers", "/offers", frozenset(), order=22),
    NavItem("Post an offer", "/offers/new", UNIT_ROLES, order=23),
]
