"""网格例会: a grid's posts meet, decide and assign action items; the next meeting opens with the open ones.

Holding a meeting takes a post on the grid (or the community's 网格总长) or the community's admin role; the
community's staff read the minutes too; street and county staff covering it see the monthly overview only.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from jinlin.accounts.tables import Account
from jinlin.audit.service import record
from jinlin.auth.principal import COMMUNITY_ROLES, Principal
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import Forbidden, Invalid, NotFound, WrongStatus
from jinlin.households import access
from jinlin.households.privacy import refuse_personal_data
from jinlin.meetings.schemas import ActionItemOut, Attendee, GridMonth, ItemNeedIn, MeetingIn, MeetingOut
from jinlin.meetings.tables import ActionItem, Meeting
from jinlin.posts.holders import holders_of_area
from jinlin.visits.due import local_date, visit_overdue


async def _grid(grid_id: int) -> tuple[dict[str, Any], int]:
    grid = await access.area_of(grid_id)
    community = await access.community_of_grid(grid["parent"]) if grid and grid["level"] == "grid" else None
    if grid is None or community is None:
        raise NotFound("Grid not found")
    return grid, community


async def _can_hold(principal: Principal, grid: dict[str, Any], community_id: int) -> bool:
    return (await access.scope_of(principal)).can_write_grid(community_id, grid["path"])


async def _can_read(principal: Principal, grid: dict[str, Any], community_id: int) -> bool:
    """Minutes may speak of households: the community's own people and the grid's posts read them; street and
    county staff see the month overview only (minimum necessary)."""
    return principal.acts_for(community_id, COMMUNITY_ROLES) or await _can_hold(principal, grid, community_id)


async def grid_posts(grid: dict[str, Any]) -> list[dict[str, Any]]:
    """Who may attend: the grid's current posts and the community's 网格总长."""
    return await holders_of_area(grid["id"]) + await holders_of_area(grid["parent"], frozenset({"grid_chief"}))


def _item_out(r: dict[str, Any], now) -> ActionItemOut:
    return ActionItemOut(
        id=r["id"],
        meeting_id=r["meeting"],
        title=r["title"],
        owner_id=r["owner"],
        owner_name=r.get("owner.display_name") or "",
        due_on=r["due_on"],
        status=r["status"],
        overdue=r["status"] == "open" and visit_overdue(now, r["due_on"]),
        need_id=r["need"],
        done_at=r["done_at"],
    )


def _items():
    return ActionItem.select(*ActionItem.all_columns(), ActionItem.owner.display_name)


async def open_items(grid_id: int) -> list[ActionItemOut]:
    """The grid's open action items: what the next meeting opens with."""
    now = clock.now()
    rows = (
        await _items().where((ActionItem.grid == grid_id) & (ActionItem.status == "open")).order_by(ActionItem.due_on)
    )
    return [_item_out(r, now) for r in rows]


async def _out(meeting_id: int) -> MeetingOut:
    m = await Meeting.select(*Meeting.all_columns(), Meeting.grid.name).where(Meeting.id == meeting_id).first()
    assert m is not None  # callers have found or just written it
    now = clock.now()
    raised = await _items().where(ActionItem.meeting == meeting_id).order_by(ActionItem.id)
    carried = (
        await _items()
        .where((ActionItem.last_meeting == meeting_id) & (ActionItem.meeting != meeting_id))
        .order_by(ActionItem.due_on)
    )
    from jinlin.catalog.codes import as_list

    return MeetingOut(
        id=m["id"],
        community_id=m["community"],
        grid_id=m["grid"],
        grid_name=m["grid.name"],
        held_on=m["held_on"],
        attendees=[Attendee(**a) for a in as_list(m["attendees"])],
        topics=m["topics"],
        decisions=m["decisions"],
        action_items=[_item_out(r, now) for r in raised],
        carried_over=[_item_out(r, now) for r in carried],
        created_at=m["created_at"],
    )


async def hold_meeting(principal: Principal, data: MeetingIn) -> MeetingOut:
    grid, community_id = await _grid(data.grid_id)
    if not await _can_hold(principal, grid, community_id):
        raise Forbidden("Only the grid's posts and the community's admins hold its meetings")
    if data.held_on > local_date(clock.now()):
        raise Invalid("A meeting is recorded after it is held", {"held_on": "must not be in the future"})
    posts = {p["id"]: p for p in await grid_posts(grid)}
    unknown = [pid for pid in data.attendee_post_ids if pid not in posts]
    if unknown:
        raise Invalid("Attendees come from the grid's posts", {"attendee_post_ids": "not a post of this grid"})
    attendees = [
        {
            "post_id": pid,
            "account_id": posts[pid]["account"],
            "name": posts[pid]["account_name"] or posts[pid]["contact_name"],
            "kind": posts[pid]["kind"],
        }
        for pid in dict.fromkeys(data.attendee_post_ids)
    ]
    owners = {i.owner_id for i in data.action_items if i.owner_id is not None}
    if owners and len(await Account.select(Account.id).where(Account.id.is_in(sorted(owners)))) != len(owners):
        raise Invalid("No such account", {"action_items": "owner is not an account"})
    now = clock.now()
    async with write_transaction():
        meeting = Meeting(
            community=community_id,
            grid=grid["id"],
            held_on=data.held_on,
            attendees=attendees,
            topics=data.topics.strip(),
            decisions=data.decisions.strip(),
            created_by=principal.account_id,
            created_at=now,
        )
        await meeting.save()
        # Carry over: the grid's open items are now on this meeting's agenda.
        await ActionItem.update({ActionItem.last_meeting: meeting.id}).where(
            (ActionItem.grid == grid["id"]) & (ActionItem.status == "open")
        )
        for item in data.action_items:
            await ActionItem.insert(
                ActionItem(
                    meeting=meeting.id,
                    last_meeting=meeting.id,
                    grid=grid["id"],
                    title=item.title.strip(),
                    owner=item.owner_id,
                    due_on=item.due_on,
                    created_at=now,
                )
            )
        await record(
            principal,
            "create",
            "meeting",
            meeting.id,
            {"grid_id": grid["id"], "held_on": data.held_on, "action_items": len(data.action_items)},
        )
    return await _out(meeting.id)


async def get_meeting(principal: Principal, meeting_id: int) -> MeetingOut:
    m = await Meeting.select(Meeting.id, Meeting.grid).where(Meeting.id == meeting_id).first()
    if m is None:
        raise NotFound("Meeting not found")
    grid, community_id = await _grid(m["grid"])
    if not await _can_read(principal, grid, community_id):
        raise NotFound("Meeting not found")
    return await _out(meeting_id)


async def _writable_item(principal: Principal, item_id: int) -> tuple[dict[str, Any], dict[str, Any], int]:
    item = await ActionItem.select().where(ActionItem.id == item_id).first()
    if item is None:
        raise NotFound("Action item not found")
    grid, community_id = await _grid(item["grid"])
    if not await _can_read(principal, grid, community_id):
        raise NotFound("Action item not found")
    if item["owner"] != principal.account_id and not await _can_hold(principal, grid, community_id):
        raise Forbidden("The owner, the grid's posts and the community's admins close its action items")
    return item, grid, community_id


async def finish_item(principal: Principal, item_id: int) -> ActionItemOut:
    await _writable_item(principal, item_id)
    async with write_transaction():
        changed = (
            await ActionItem.update({ActionItem.status: "done", ActionItem.done_at: clock.now()})
            .where((ActionItem.id == item_id) & (ActionItem.status == "open"))
            .returning(ActionItem.id)
        )
        if not changed:
            raise WrongStatus("Action item", "done", "finish")
        await record(principal, "finish", "action_item", item_id, {"status": ["open", "done"]})
    return _item_out(await _items().where(ActionItem.id == item_id).first(), clock.now())


async def item_to_need(principal: Principal, item_id: int, data: ItemNeedIn) -> ActionItemOut:
    """Turn an action item into a published need on the grid (its title only: no personal data)."""
    from jinlin.needs.schemas import NeedIn
    from jinlin.needs.service import create_need

    item, grid, community_id = await _writable_item(principal, item_id)
    if item["need"] is not None:
        raise WrongStatus("Action item", "already a need", "make a need")
    title = (data.title or item["title"]).strip()[:120]
    await refuse_personal_data(title, grid_id=grid["id"], field="title")
    async with write_transaction():
        need = await create_need(
            principal,
            NeedIn(
                community_id=community_id,
                area_id=grid["id"],
                title=title,
                category=data.category,
                quantity=1,
                publish=True,
            ),
        )
        changed = (
            await ActionItem.update({ActionItem.need: need.id})
            .where((ActionItem.id == item_id) & ActionItem.need.is_null())
            .returning(ActionItem.id)
        )
        if not changed:
            raise WrongStatus("Action item", "already a need", "make a need")
        await record(principal, "make_need", "action_item", item_id, {"need_id": need.id})
    return _item_out(await _items().where(ActionItem.id == item_id).first(), clock.now())


def _month_range(month: str) -> tuple[date, date]:
    try:
        year, mon = int(month[:4]), int(month[5:7])
        if len(month) != 7 or month[4] != "-":
            raise ValueError
        start = date(year, mon, 1)
    except ValueError as exc:
        raise Invalid("A month is written YYYY-MM", {"month": "must be YYYY-MM"}) from exc
    end = date(year + (mon == 12), mon % 12 + 1, 1)
    return start, end


def months_of(start: date, end: date) -> list[tuple[date, date]]:
    """The calendar months [first day, next month's first day) that begin in [start, end)."""
    first = start.replace(day=1) if start.day == 1 else (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    out = []
    while first < end:
        following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        out.append((first, following))
        first = following
    return out


async def held_by_grid(grid_ids: list[int], start: date, end: date) -> list[dict[str, Any]]:
    """The meetings of these grids held in [start, end): id, grid and day, in order (one query)."""
    if not grid_ids:
        return []
    return (
        await Meeting.select(Meeting.id, Meeting.grid, Meeting.held_on)
        .where(Meeting.grid.is_in(grid_ids) & (Meeting.held_on >= start) & (Meeting.held_on < end))
        .order_by(Meeting.held_on)
    )


def missed(meeting_ids: list[int], month_end: date, today: date) -> bool:
    """The one rule of a missed month: it is over and the grid held no meeting in it."""
    return today >= month_end and not meeting_ids


async def meetings_by_month(principal: Principal, community_id: int, month: str) -> list[GridMonth]:
    """Each grid of the community with its meetings in ``month`` (YYYY-MM); a grid with none is flagged
    once the month is over."""
    from jinlin.areas.tables import Area
    from jinlin.orgs.tables import Organization

    community = (
        await Organization.select(Organization.area, Organization.area.path)
        .where((Organization.id == community_id) & (Organization.kind == "community"))
        .first()
    )
    if community is None or not (
        principal.acts_for(community_id, COMMUNITY_ROLES) or principal.covers_area(community["area.path"])
    ):
        raise NotFound("Community not found")
    start, end = _month_range(month)
    grids = (
        await Area.select(Area.id, Area.name)
        .where((Area.parent == community["area"]) & (Area.level == "grid"))
        .order_by(Area.name)
    )
    rows = await held_by_grid([g["id"] for g in grids], start, end)
    today = local_date(clock.now())
    out = []
    for g in grids:
        ids = [r["id"] for r in rows if r["grid"] == g["id"]]
        out.append(GridMonth(grid_id=g["id"], grid_name=g["name"], meetings=ids, missed=missed(ids, end, today)))
    return out


async def recent_meetings(principal: Principal, grid_id: int, limit: int = 12) -> list[MeetingOut]:
    grid, community_id = await _grid(grid_id)
    if not await _can_read(principal, grid, community_id):
        raise NotFound("Grid not found")
    rows = (
        await Meeting.select(Meeting.id)
        .where(Meeting.grid == grid_id)
        .order_by(Meeting.held_on, ascending=False)
        .limit(limit)
    )
    return [await _out(r["id"]) for r in rows]


def previous_month(today: date) -> str:
    first = today.replace(day=1) - timedelta(days=1)
    return first.strftime("%Y-%m")


async def can_hold_grid(principal: Principal, grid_id: int) -> bool:
    grid, community_id = await _grid(grid_id)
    return await _can_hold(principal, grid, community_id)


async def meeting_form(
    principal: Principal, grid_id: int
) -> tuple[dict[str, Any], list[dict[str, Any]], list[ActionItemOut]]:
    """What the form of a new meeting needs: the grid, its posts (attendees) and the open items it opens with."""
    grid, community_id = await _grid(grid_id)
    if not await _can_hold(principal, grid, community_id):
        raise NotFound("Grid not found")
    return grid, await grid_posts(grid), await open_items(grid_id)
