"""号召 pages: staff issue a call and watch pledges arrive (htmx refresh), turn a pledge into a match and
close the call; called units see open calls on their home page and pledge (响应) from a phone."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from jinlin.auth.principal import UNIT_ROLES, Principal
from jinlin.calls import service
from jinlin.calls.schemas import CallIn, PledgeMatchIn, ResponseIn
from jinlin.catalog.codes import CATEGORY_LABELS
from jinlin.core.clock import LOCAL_TZ
from jinlin.core.errors import DomainError, Invalid
from jinlin.core.forms import kept_values
from jinlin.core.i18n import gettext
from jinlin.core.nav import NavItem
from jinlin.core.pages import convert_form, form_data, form_errors, redirect, render
from jinlin.core.pagination import PageRequest
from jinlin.orgs.tables import UNIT_KINDS

LOCAL = LOCAL_TZ
ISSUER_NAV_ROLES = frozenset(service.ISSUER_ROLES)


def _category_options() -> list[tuple[str, str]]:
    return [(code, gettext(label)) for code, label in CATEGORY_LABELS.items()]


async def _form(
    principal: Principal, values: dict[str, Any], errors: dict[str, str] | None = None, status_code: int = 200
) -> Template:
    issuers = service.issuer_choices(principal)
    chosen = str(values.get("issuer_id") or "")
    issuer_id = int(chosen) if chosen.isdigit() and len(chosen) < 19 else (issuers[0][0] if issuers else 0)
    needs = await service.open_needs_for_issuer(principal, issuer_id) if issuer_id else []
    need_options = [
        (n["id"], f"{n['title']} ({n['quantity'] - n['quantity_matched']}/{n['quantity']} {n['unit']})") for n in needs
    ]
    return render(
        "calls/form.html",
        principal,
        status_code=status_code,
        values=values,
        issuers=issuers,
        needs=need_options,
        categories=_category_options(),
        unit_kinds=[(k, gettext(k)) for k in sorted(UNIT_KINDS)],
        errors=errors or {},
    )


@get("/calls", include_in_schema=False)
async def calls_list(principal: NamedDependency[Principal], paging: NamedDependency[PageRequest]) -> Template:
    page = await service.list_calls(principal, paging)
    return render("calls/list.html", principal, page=page, can_issue=bool(service.issuer_choices(principal)))


@get("/calls/new", include_in_schema=False)
async def call_new(principal: NamedDependency[Principal]) -> Template:
    service.require_issuer(principal)
    return await _form(principal, {"quantity": 1, "categories": [], "unit_kinds": [], "need_ids": []})


@post("/calls/new", include_in_schema=False)
async def call_create(principal: NamedDependency[Principal], request: Request) -> Template | Redirect:
    form = await form_data(request)
    values = kept_values(form, CallIn)
    try:
        if not form.get("categories"):
            raise Invalid("Check the highlighted fields", {"categories": "choose at least one category"})
        call = await service.create_call(principal, convert_form(form, CallIn))
    except DomainError as exc:
        return await _form(principal, values, form_errors(exc), exc.status)
    return redirect(f"/calls/{call.id}")


async def _detail(
    principal: Principal,
    call_id: int,
    *,
    errors: dict[str, str] | None = None,
    error_response: int | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Template:
    ctx = await service.call_page(principal, call_id)
    return render(
        "calls/detail.html",
        principal,
        status_code=status_code,
        errors=errors or {},
        error_response=error_response,
        values=values or {},
        **ctx,
    )


@get("/calls/{call_id:int}", include_in_schema=False)
async def call_detail(principal: NamedDependency[Principal], call_id: FromPath[int]) -> Template:
    return await _detail(principal, call_id)


@get("/calls/{call_id:int}/responses", include_in_schema=False)
async def call_responses(principal: NamedDependency[Principal], call_id: FromPath[int]) -> Template:
    """The pledges list alone, for the htmx refresh on the issuer's page."""
    ctx = await service.call_page(principal, call_id)
    return render("calls/_responses.html", principal, errors={}, error_response=None, values={}, **ctx)


@post("/calls/{call_id:int}/pledge", include_in_schema=False)
async def call_pledge(
    principal: NamedDependency[Principal], request: Request, call_id: FromPath[int]
) -> Template | Redirect:
    form = await form_data(request)
    try:
        await service.respond(principal, call_id, convert_form(form, ResponseIn))
    except DomainError as exc:
        return await _detail(principal, call_id, errors=form_errors(exc), values=form, status_code=exc.status)
    return redirect(f"/calls/{call_id}")


@post("/calls/{call_id:int}/responses/{response_id:int}/match", include_in_schema=False)
async def call_pledge_match(
    principal: NamedDependency[Principal], request: Request, call_id: FromPath[int], response_id: FromPath[int]
) -> Template | Redirect:
    form = await form_data(request)
    try:
        await service.match_pledge(principal, call_id, response_id, convert_form(form, PledgeMatchIn))
    except DomainError as exc:
        return await _detail(
            principal, call_id, errors=form_errors(exc), error_response=response_id, values=form, status_code=exc.status
        )
    return redirect(f"/calls/{call_id}")


@post("/calls/{call_id:int}/close", include_in_schema=False)
async def call_close(principal: NamedDependency[Principal], call_id: FromPath[int]) -> Redirect:
    await service.close_call(principal, call_id)
    return redirect(f"/calls/{call_id}")


@get("/calls/panel", include_in_schema=False)
async def calls_panel(principal: NamedDependency[Principal]) -> Template:
    """The home-page panel's content (loaded lazily): open calls that call the viewer's units."""
    page = await service.list_calls(principal, PageRequest(limit=5), status="open")
    return render("calls/_panel_items.html", principal, calls=page.items, total=page.total)


ROUTES = [
    calls_list,
    call_new,
    call_create,
    call_detail,
    call_responses,
    call_pledge,
    call_pledge_match,
    call_close,
    calls_panel,
]
NAV = [NavItem("Calls", "/calls", ISSUER_NAV_ROLES | UNIT_ROLES, order=26)]
PANELS = [("unit", "calls/panel.html"), ("community", "calls/panel.html")]


def _delay(seconds: int) -> str:
    """A pledge's delay after the call, in the user's language."""
    from jinlin.core.i18n import translate

    if seconds < 3600:
        return translate("{n} min", n=max(seconds // 60, 0))
    if seconds < 48 * 3600:
        return translate("{n} h", n=seconds // 3600)
    return translate("{n} d", n=seconds // 86400)


TEMPLATE_FILTERS = [("pledge_delay", _delay)]
