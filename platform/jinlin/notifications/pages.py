"""通知 pages: the list (grouped notices, read and unread apart), the bell's count, delivery choices and
verified addresses, one's own deliveries, county delivery statistics, one-step unsubscribing (no login),
and an organisation's work-chat robots."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response, Template

from jinlin.auth.principal import Principal
from jinlin.channels.robots import ROBOT_KINDS
from jinlin.core.errors import DomainError, Invalid
from jinlin.core.nav import NavItem
from jinlin.core.pages import form_data, form_errors, form_list, redirect, render, safe_next
from jinlin.core.pagination import PageRequest
from jinlin.notifications import choices, kinds, logbook, robots, service


@get("/notifications", include_in_schema=False)
async def notifications_page(principal: NamedDependency[Principal], paging: NamedDependency[PageRequest]) -> Template:
    rows, total = await service.list_notifications(principal, paging)
    return render("notifications/list.html", principal, page=paging.page(rows, total))


@get("/notifications/count", include_in_schema=False)
async def bell(maybe_principal: NamedDependency[Principal | None]) -> Response[str]:
    """The unread count as bare text for the bell ('' when none, which hides the badge)."""
    count = await service.unread_count(maybe_principal) if maybe_principal else 0
    return Response(str(count) if count else "", media_type="text/plain")


@post("/notifications/read", include_in_schema=False)
async def mark_read(principal: NamedDependency[Principal]) -> Redirect:
    await service.mark_all_read(principal)
    return redirect("/notifications")


@get("/notifications/{notification_id:int}/open", include_in_schema=False)
async def open_notification(principal: NamedDependency[Principal], notification_id: FromPath[int]) -> Redirect:
    link = await service.open_notification(principal, notification_id)
    return redirect(safe_next(link) if link else "/notifications")


async def _preferences(
    principal: Principal, *, errors: dict[str, str] | None = None, status_code: int = 200, saved: str = ""
) -> Template:
    return render(
        "notifications/preferences.html",
        principal,
        status_code=status_code,
        errors=errors or {},
        prefs=await choices.preferences(principal),
        contacts=await choices.list_contacts(principal),
        saved=saved,
    )


@get("/notifications/preferences", include_in_schema=False)
async def preferences_page(principal: NamedDependency[Principal], saved: FromQuery[str] = "") -> Template:
    return await _preferences(principal, saved=saved[:20])


@post("/notifications/preferences", include_in_schema=False)
async def save_preferences(principal: NamedDependency[Principal], request: Request) -> Template | Redirect:
    form = await form_data(request)
    items = [
        {"kind": kind, "channels": form_list(form.get(f"channels_{kind}")), "digest": form.get(f"digest_{kind}") == "1"}
        for kind in kinds.KINDS
    ]
    try:
        await choices.set_preferences(principal, items, form.get("quiet_hours") == "1")
    except DomainError as exc:
        return await _preferences(principal, errors=form_errors(exc), status_code=exc.status)
    return redirect("/notifications/preferences?saved=1")


@post("/notifications/contacts", include_in_schema=False)
async def add_contact_page(principal: NamedDependency[Principal], request: Request) -> Template | Redirect:
    form = await form_data(request)
    try:
        await choices.start_verification(principal, str(form.get("channel", "")), str(form.get("address", ""))[:120])
    except DomainError as exc:
        return await _preferences(principal, errors=form_errors(exc), status_code=exc.status)
    return redirect("/notifications/preferences?saved=code")


@post("/notifications/contacts/verify", include_in_schema=False)
async def verify_contact_page(principal: NamedDependency[Principal], request: Request) -> Template | Redirect:
    form = await form_data(request)
    try:
        channel = str(form.get("channel", ""))
        if channel not in ("email", "sms"):
            raise Invalid("Unknown channel", {"channel": "unknown channel"})
        await choices.verify(principal, channel, str(form.get("code", ""))[:12])
    except DomainError as exc:
        return await _preferences(principal, errors=form_errors(exc), status_code=exc.status)
    return redirect("/notifications/preferences?saved=verified")


@get("/notifications/deliveries", include_in_schema=False)
async def deliveries_page(principal: NamedDependency[Principal], paging: NamedDependency[PageRequest]) -> Template:
    rows, total = await logbook.my_deliveries(principal, paging)
    return render("notifications/deliveries.html", principal, page=paging.page(rows, total))


@get("/notifications/delivery-stats", include_in_schema=False)
async def stats_page(principal: NamedDependency[Principal]) -> Template:
    return render("notifications/stats.html", principal, stats=await logbook.statistics(principal))


@get("/notifications/unsubscribe", include_in_schema=False)
async def unsubscribe_page(maybe_principal: NamedDependency[Principal | None], token: FromQuery[str] = "") -> Template:
    what: dict[str, Any] | None = None
    errors: dict[str, str] = {}
    try:
        _, kind, channel = choices.read_unsubscribe_token(token[:200])
        what = {"kind": kind, "label": kinds.label(kind), "channel": channel}
    except DomainError as exc:
        errors = form_errors(exc)
    # A page, not an API: a broken link still answers 200 with the reason; the POST refuses it.
    return render(
        "notifications/unsubscribe.html", maybe_principal, token=token[:200], what=what, done=False, errors=errors
    )


@post("/notifications/unsubscribe", include_in_schema=False)
async def unsubscribe_post(maybe_principal: NamedDependency[Principal | None], request: Request) -> Template:
    token = str((await form_data(request)).get("token", ""))[:200]
    try:
        what = await choices.unsubscribe(token)
    except DomainError as exc:
        return render(
            "notifications/unsubscribe.html",
            maybe_principal,
            token=token,
            what=None,
            done=False,
            errors=form_errors(exc),
            status_code=exc.status,
        )
    return render("notifications/unsubscribe.html", maybe_principal, token=token, what=what, done=True)


async def _robots(
    principal: Principal,
    organization_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Template:
    return render(
        "notifications/robots.html",
        principal,
        status_code=status_code,
        errors=errors or {},
        values=values or {},
        organization_id=organization_id,
        robots=await robots.list_robots(principal, organization_id),
        robot_kinds=ROBOT_KINDS,
        kinds=[(k, kinds.label(k)) for k in kinds.KINDS],
    )


@get("/organizations/{organization_id:int}/robots", include_in_schema=False)
async def robots_page(principal: NamedDependency[Principal], organization_id: FromPath[int]) -> Template:
    return await _robots(principal, organization_id)


@post("/organizations/{organization_id:int}/robots", include_in_schema=False)
async def add_robot_page(
    principal: NamedDependency[Principal], organization_id: FromPath[int], request: Request
) -> Template | Redirect:
    form = await form_data(request)
    try:
        await robots.add_robot(
            principal,
            organization_id,
            str(form.get("kind", "")),
            str(form.get("token", "")),
            str(form.get("secret", "")),
            [k for k in form_list(form.get("kinds")) if k in kinds.KINDS],
        )
    except DomainError as exc:
        # The secret and the token are never echoed back into the form.
        keep = {"kind": form.get("kind", ""), "kinds": form_list(form.get("kinds"))}
        return await _robots(principal, organization_id, errors=form_errors(exc), values=keep, status_code=exc.status)
    return redirect(f"/organizations/{organization_id}/robots")


@post("/organizations/{organization_id:int}/robots/{robot_id:int}/remove", include_in_schema=False)
async def remove_robot_page(
    principal: NamedDependency[Principal], organization_id: FromPath[int], robot_id: FromPath[int]
) -> Redirect:
    await robots.remove_robot(principal, organization_id, robot_id)
    return redirect(f"/organizations/{organization_id}/robots")


def bell_count() -> str:
    """Cheap on purpose: the page renders an empty badge and htmx fills it from /notifications/count."""
    return ""


ROUTES = [
    notifications_page,
    bell,
    mark_read,
    open_notification,
    preferences_page,
    save_preferences,
    add_contact_page,
    verify_contact_page,
    deliveries_page,
    stats_page,
    unsubscribe_page,
    unsubscribe_post,
    robots_page,
    add_robot_page,
    remove_robot_page,
]
NAV = [
    NavItem("Notifications", "/notifications", frozenset(), order=90),
    NavItem("Delivery statistics", "/notifications/delivery-stats", frozenset({"county_admin"}), order=91),
]
TEMPLATE_GLOBALS = [("bell_count", bell_count)]
ORG_PANELS = [("*", "notifications/_org_robots.html")]
