"""需求清单 pages: the shared list with filters and countdowns, the one-minute phone form, a need's page."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from jinlin.auth.principal import COMMUNITY_ROLES, UNIT_ROLES, Principal
from jinlin.catalog.codes import BENEFICIARY_LABELS, CATEGORY_LABELS, COLOUR_LABELS
from jinlin.core import clock
from jinlin.core.errors import DomainError, Forbidden, Invalid
from jinlin.core.forms import kept_values
from jinlin.core.i18n import relative_time, translate
from jinlin.core.nav import NavItem
from jinlin.core.pages import convert_form, form_data, form_errors, redirect, render
from jinlin.core.pagination import PageRequest
from jinlin.core.tabular import read_upload
from jinlin.imports import service as imports
from jinlin.matches import candidates
from jinlin.matches import service as matches
from jinlin.needs import service, spreadsheet
from jinlin.needs.api import XLSX
from jinlin.needs.schemas import NeedIn, NeedPatch
from jinlin.offers import service as offers_service

NEED_STATUSES = ["draft", "published", "matched", "in_progress", "resolved", "closed", "cancelled", "expired"]


def countdown(deadline: datetime | None) -> str:
    """ "3 h left" / "2 d overdue", in the user's language."""
    if deadline is None:
        return ""
    delta = deadline - clock.now()
    amount = relative_time(abs(delta))
    return translate("{t} left", t=amount) if delta >= timedelta(0) else translate("{t} overdue", t=amount)


def options(labels: dict[str, str]) -> list[tuple[str, str]]:
    from jinlin.core.i18n import gettext

    return [(code, gettext(label)) for code, label in labels.items()]


async def _places(community_id: int) -> list[tuple[int, str]]:
    return await service.place_choices(community_id)


def _communities(principal: Principal) -> list[tuple[int, str]]:
    return sorted(
        {(m.organization_id, m.organization_name) for m in principal.memberships if m.role in COMMUNITY_ROLES}
    )


@get("/needs", include_in_schema=False)
async def needs_list(
    principal: NamedDependency[Principal],
    paging: NamedDependency[PageRequest],
    status: FromQuery[str | None] = None,
    category: FromQuery[str | None] = None,
    colour: FromQuery[str | None] = None,
    area_id: FromQuery[int | None] = None,
    mine: FromQuery[bool | None] = None,
) -> Template:
    community_id = None
    if mine and principal.community_ids:
        community_id = sorted(principal.community_ids)[0]
    rows, total = await service.query_needs(
        principal,
        paging,
        status=status or "published,matched,in_progress",
        category=category,
        colour=colour,
        area_id=area_id,
        community_id=community_id,
    )
    page = paging.page([service.to_out(r) for r in rows], total)
    near = []
    if principal.unit_ids and not mine:
        near = await candidates.candidate_needs(principal, sorted(principal.unit_ids)[0], limit=10)
    query = "&".join(
        f"{k}={v}"
        for k, v in (
            ("status", status),
            ("category", category),
            ("colour", colour),
            ("area_id", area_id),
            ("mine", "1" if mine else None),
        )
        if v
    )
    return render(
        "needs/list.html",
        principal,
        page=page,
        near=near,
        categories=options(CATEGORY_LABELS),
        colours=options(COLOUR_LABELS),
        statuses=NEED_STATUSES,
        filters={
            "status": status or "",
            "category": category or "",
            "colour": colour or "",
            "area_id": area_id or "",
            "mine": mine,
        },
        query=query,
        can_post=bool(principal.community_ids),
    )


@get("/needs/new", include_in_schema=False)
async def need_form(principal: NamedDependency[Principal]) -> Template:
    service.require_poster(principal)
    communities = _communities(principal)
    values: dict[str, Any] = {
        "urgency": 2,
        "importance": 2,
        "quantity": 1,
        "splittable": True,
        "community_id": communities[0][0] if communities else "",
    }
    return render(
        "needs/form.html",
        principal,
        values=values,
        communities=communities,
        places=await _places(values["community_id"]) if communities else [],
        categories=options(CATEGORY_LABELS),
        groups=options(BENEFICIARY_LABELS),
    )


@post("/needs/new", include_in_schema=False)
async def need_submit(principal: NamedDependency[Principal], request: Request) -> Template | Redirect:
    form = await form_data(request)
    raw = {**form, "splittable": form.get("splittable") == "on", "publish": form.get("_draft") is None}
    try:
        need = await service.create_need(principal, convert_form(raw, NeedIn))
    except DomainError as exc:
        communities = _communities(principal)
        chosen = str(form.get("community_id") or "")
        community_id = (
            int(chosen) if chosen.isdigit() and len(chosen) < 19 else (communities[0][0] if communities else 0)
        )
        return render(
            "needs/form.html",
            principal,
            status_code=exc.status,
            errors=form_errors(exc),
            values=kept_values(raw, NeedIn),
            communities=communities,
            places=await _places(community_id),
            categories=options(CATEGORY_LABELS),
            groups=options(BENEFICIARY_LABELS),
        )
    return redirect(f"/needs/{need.id}")


@get("/needs/{need_id:int}", include_in_schema=False)
async def need_page(principal: NamedDependency[Principal], need_id: FromPath[int]) -> Template:
    need = await service.get_need(principal, need_id)
    row = await service.get_row(need_id)
    manage = service.can_manage(principal, row)
    offers = (
        await candidates.candidate_offers(principal, need_id)
        if manage and need.quantity_open > 0 and need.status in service.OPEN_STATUSES
        else []
    )
    my_offers = []
    if principal.unit_ids and need.status in service.OPEN_STATUSES and need.quantity_open > 0:
        my_offers = await offers_service.offers_with_room(list(principal.org_ids(UNIT_ROLES)))
    rows, _ = await matches.query_matches(principal, None, need_id=need_id)
    return render(
        "needs/detail.html",
        principal,
        need=need,
        manage=manage,
        candidates=offers,
        my_offers=my_offers,
        matches=[matches.to_out(r) for r in rows],
    )


@post("/needs/{need_id:int}/{action:str}", include_in_schema=False)
async def need_action(principal: NamedDependency[Principal], need_id: FromPath[int], action: FromPath[str]) -> Redirect:
    fn = {
        "publish": service.publish_need,
        "cancel": service.cancel_need,
        "resolve": service.resolve_need,
        "close": service.close_need,
    }.get(action)
    if fn is None:
        from jinlin.core.errors import NotFound

        raise NotFound("No such action")
    await fn(principal, need_id)
    return redirect(f"/needs/{need_id}")


@get("/needs/export.xlsx", include_in_schema=False)
async def needs_export(
    principal: NamedDependency[Principal],
    status: FromQuery[str | None] = None,
    category: FromQuery[str | None] = None,
    colour: FromQuery[str | None] = None,
    area_id: FromQuery[int | None] = None,
    mine: FromQuery[bool | None] = None,
) -> Response[bytes]:
    community_id = sorted(principal.community_ids)[0] if mine and principal.community_ids else None
    content = await spreadsheet.export_needs(
        principal, status=status, category=category, colour=colour, area_id=area_id, community_id=community_id
    )
    return Response(content, media_type=XLSX, headers={"content-disposition": 'attachment; filename="needs.xlsx"'})


@post("/needs/import", include_in_schema=False)
async def needs_import(principal: NamedDependency[Principal], request: Request) -> Template | Redirect:
    form = await request.form()
    try:
        done = await imports.start(principal, "needs", await read_upload(form.get("file")))
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


# -- corrections (colour and deadlines by hand, with a reason) -----------------------------------------
BROWSER_TIME = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")


def _edit_values(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": row["title"],
        "description": row["description"],
        "quantity": row["quantity"],
        "unit": row["unit"],
        "item": row.get("item") or "",
        "urgency": row["urgency"],
        "importance": row["importance"],
        "colour": row["colour"] if row["colour_set"] else "",
        "respond_by": clock.local(row["respond_by"], "%Y-%m-%dT%H:%M"),
        "resolve_by": clock.local(row["resolve_by"], "%Y-%m-%dT%H:%M"),
        "reason": "",
    }


def _patch_from_form(form: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    """Only what the form changes; times typed in China time; an emptied colour means "derived" again."""
    shown = _edit_values(row)
    patch: dict[str, Any] = {}
    for key in ("title", "description", "unit", "item", "quantity", "urgency", "importance", "reason"):
        value = str(form.get(key, "")).strip()
        if key == "reason" or value != str(shown[key]):
            patch[key] = value
    colour = str(form.get("colour", ""))
    if colour != shown["colour"]:
        patch["colour"] = colour or None
    for key in ("respond_by", "resolve_by"):
        text = str(form.get(key, "")).strip()
        if text != shown[key]:
            when = clock.parse_local(text, BROWSER_TIME) if text else None
            if text and when is None:
                raise Invalid("Check the highlighted fields", {key: "must be a time like 2026-12-01 09:00"})
            patch[key] = when.isoformat() if when else None
    return patch


def _level(text: Any, current: int) -> int:
    """A typed level (1 to 3) for the preview; anything else previews the need's current one."""
    value = str(text or "").strip()
    return int(value) if value in ("1", "2", "3") else current


async def _edit_page(
    principal: Principal, need_id: int, values: dict[str, Any], *, errors: dict | None = None, status_code: int = 200
) -> Template:
    need = await service.get_need(principal, need_id)
    preview = await service.derived_preview(
        principal,
        need_id,
        _level(values.get("urgency"), need.urgency),
        _level(values.get("importance"), need.importance),
    )
    return render(
        "needs/edit.html",
        principal,
        status_code=status_code,
        need=need,
        values=values,
        preview=preview,
        colours=options(COLOUR_LABELS),
        errors=errors or {},
    )


@get("/needs/{need_id:int}/edit", include_in_schema=False)
async def need_edit(principal: NamedDependency[Principal], need_id: FromPath[int]) -> Template:
    row = await service.get_visible_row(principal, need_id)
    if not service.can_manage(principal, row):
        raise Forbidden("Only the community's staff edit its needs")
    return await _edit_page(principal, need_id, _edit_values(row))


@post("/needs/{need_id:int}/edit", include_in_schema=False)
async def need_edit_submit(
    principal: NamedDependency[Principal], need_id: FromPath[int], request: Request
) -> Template | Redirect:
    form = await form_data(request)
    row = await service.get_visible_row(principal, need_id)
    # Re-displayed as typed; a field the form left out shows the need's current value.
    typed = {**_edit_values(row), **{k: v for k, v in form.items() if isinstance(v, str)}}
    if form.get("_preview") is not None:  # show what the policy derives from these levels, save nothing
        return await _edit_page(principal, need_id, typed)
    try:
        patch = msgspec.convert(_patch_from_form(form, row), NeedPatch, strict=False)
        await service.update_need(principal, need_id, patch)
    except msgspec.ValidationError as exc:
        return await _edit_page(principal, need_id, typed, errors={"_form": str(exc)}, status_code=400)
    except DomainError as exc:
        return await _edit_page(principal, need_id, typed, errors=form_errors(exc), status_code=exc.status)
    return redirect(f"/needs/{need_id}")


ROUTES = [
    needs_list,
    need_form,
    need_submit,
    need_page,
    need_action,
    needs_export,
    needs_import,
    need_edit,
    need_edit_submit,
]
NAV = [
    NavItem("Needs", "/needs", frozenset(), order=20),
    NavItem("Post a need", "/needs/new", COMMUNITY_ROLES, order=21),
]
TEMPLATE_FILTERS = [("countdown", countdown)]
TEMPLATE_GLOBALS = [
    ("category_label", lambda code: CATEGORY_LABELS.get(code, code)),
    ("beneficiary_label", lambda code: BENEFICIARY_LABELS.get(code, code)),
]
