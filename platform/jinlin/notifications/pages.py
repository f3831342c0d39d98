"""通知 pages: the list, marking all read, and the bell's count (loaded lazily by htmx from base.html)."""

from __future__ import annotations

from litestar import get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Response, Template

from jinlin.auth.principal import Principal
from jinlin.core.nav import NavItem
from jinlin.core.pages import redirect, render
from jinlin.core.pagination import PageRequest
from jinlin.notifications import service


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


def bell_count() -> str:
    """Cheap on purpose: the page renders an empty badge and htmx fills it from /notifications/count."""
    return ""


ROUTES = [notifications_page, bell, mark_read]
NAV = [NavItem("Notifications", "/notifications", frozenset(), order=90)]
TEMPLATE_GLOBALS = [("bell_count", bell_count)]
