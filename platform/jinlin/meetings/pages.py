"""网格例会 pages: the community's month overview, holding a meeting from a phone, a meeting's page."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from jinlin.auth.principal import COMMUNITY_ROLES, Principal
from jinlin.catalog.codes import CATEGORY_LABELS
from jinlin.core import clock
from jinlin.core.errors import DomainError, NotFound
from jinlin.core.nav import NavItem
from jinlin.core.pages import convert_form, form_data, form_errors, form_list, redirect, render
from jinlin.meetings import service
from jinlin.meetings.schemas import ItemNeedIn, MeetingIn
from jinlin.needs.pages import options
from jinlin.visits.due import local_date

NEW_ITEM_ROWS = 3


def _shift(month: str, by: int) -> str:
    year, mon = int(month[:4]), int(month[5:7]) - 1 + by
    return f"{year + mon // 12:04d}-{mon % 12 + 1:02d}"


@get("/meetings", include_in_schema=False)
async def month_page(
    principal: NamedDependency[Principal],
    community_id: FromQuery[int | None] = None,
    month: FromQuery[str | None] = None,
) -> Template:
    if community_id is None:
        mine = sorted(principal.community_ids)
        if not mine:
            raise NotFound("Community not found")
        community_id = mine[0]
    month = month or local_date(clock.now()).strftime("%Y-%m")
    grids = await service.meetings_by_month(principal, community_id, month)
    holdable = [g for g in grids if await service.can_hold_grid(principal, g.grid_id)]
    return render(
        "meetings/month.html",
        principal,
        grids=grids,
        month=month,
        community_id=community_id,
        previous=_shift(month, -1),
        following=_shift(month, 1),
        holdable={g.grid_id for g in holdable},
        minutes=principal.acts_for(community_id, COMMUNITY_ROLES),
    )


async def _form(
    principal: Principal,
    grid_id: int,
    *,
    status_code: int = 200,
    errors: dict | None = None,
    values: dict | None = None,
) -> Template:
    grid, posts, items = await service.meeting_form(principal, grid_id)
    defaults = {"held_on": local_date(clock.now()).isoformat()}
    return render(
        "meetings/form.html",
        principal,
        status_code=status_code,
        grid=grid,
        posts=posts,
        open_items=items,
        errors=errors or {},
        values={**defaults, **(values or {})},
        rows=NEW_ITEM_ROWS,
    )


@get("/meetings/new", include_in_schema=False)
async def meeting_form(principal: NamedDependency[Principal], grid_id: FromQuery[int]) -> Template:
    return await _form(principal, grid_id)


@post("/meetings/new", include_in_schema=False)
async def meeting_submit(principal: NamedDependency[Principal], request: Request) -> Template | Redirect:
    form = await form_data(request)
    grid_id = int(form.get("grid_id") or 0) if str(form.get("grid_id") or "").isdigit() else 0
    items: list[dict[str, Any]] = []
    for n in range(NEW_ITEM_ROWS):
        title = str(form.get(f"item_title_{n}") or "").strip()
        if title:
            items.append(
                {
                    "title": title,
                    "due_on": form.get(f"item_due_{n}") or None,
                    "owner_id": form.get(f"item_owner_{n}") or None,
                }
            )
    raw = {
        "grid_id": grid_id,
        "held_on": form.get("held_on"),
        "topics": form.get("topics"),
        "decisions": form.get("decisions"),
        "attendee_post_ids": form_list(form.get("attendee_post_ids")),
        "action_items": items,
    }
    try:
        meeting = await service.hold_meeting(principal, convert_form(raw, MeetingIn))
    except DomainError as exc:
        if exc.status == 404:
            raise
        return await _form(principal, grid_id, status_code=exc.status, errors=form_errors(exc), values=form)
    return redirect(f"/meetings/{meeting.id}")


@get("/meetings/{meeting_id:int}", include_in_schema=False)
async def meeting_page(
    principal: NamedDependency[Principal], meeting_id: FromPath[int], error: FromQuery[str | None] = None
) -> Template:
    meeting = await service.get_meeting(principal, meeting_id)
    return render(
        "meetings/detail.html",
        principal,
        meeting=meeting,
        categories=options(CATEGORY_LABELS),
        can_hold=await service.can_hold_grid(principal, meeting.grid_id),
        error=error,
    )


@post("/meetings/{meeting_id:int}/items/{item_id:int}/done", include_in_schema=False)
async def item_done(
    principal: NamedDependency[Principal], meeting_id: FromPath[int], item_id: FromPath[int]
) -> Redirect:
    await service.finish_item(principal, item_id)
    return redirect(f"/meetings/{meeting_id}")


@post("/meetings/{meeting_id:int}/items/{item_id:int}/need", include_in_schema=False)
async def item_need(
    principal: NamedDependency[Principal], meeting_id: FromPath[int], item_id: FromPath[int], request: Request
) -> Redirect | Template:
    form = await form_data(request)
    try:
        await service.item_to_need(principal, item_id, convert_form(form, ItemNeedIn))
    except DomainError as exc:
        if exc.status == 404:
            raise
        meeting = await service.get_meeting(principal, meeting_id)
        return render(
            "meetings/detail.html",
            principal,
            status_code=exc.status,
            meeting=meeting,
            categories=options(CATEGORY_LABELS),
            can_hold=True,
            errors=form_errors(exc),
            error=exc.message,
        )
    return redirect(f"/meetings/{meeting_id}")


ROUTES = [month_page, meeting_form, meeting_submit, meeting_page, item_done, item_need]
NAV = [NavItem("Grid meetings", "/meetings", COMMUNITY_ROLES, order=32)]
