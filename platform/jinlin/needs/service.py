"""需求清单 rules: who posts and sees which needs, colour and deadlines, the need's own lifecycle.

A need's quantities move only through matches (``matches.service``); here: create, edit, publish,
cancel, resolve, close, list and read.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

import msgspec
from piccolo.columns.combination import Combinable

from jinlin.areas.choices import area_options
from jinlin.areas.labels import path_labels
from jinlin.areas.tables import Area
from jinlin.audit.service import diff, record
from jinlin.auth.principal import COMMUNITY_ROLES, Principal
from jinlin.catalog.codes import as_list
from jinlin.catalog.service import policy_for_area
from jinlin.core import clock, deadlines
from jinlin.core.db import write_transaction
from jinlin.core.errors import Conflict, Forbidden, Invalid, NotFound, WrongStatus
from jinlin.core.pagination import Page, PageRequest, fetch_filtered
from jinlin.needs.schemas import NeedIn, NeedOut, NeedPatch
from jinlin.needs.tables import Need
from jinlin.orgs.tables import Organization

OPEN_STATUSES = ("published", "matched", "in_progress")
ACTIVE_MATCH_STATUSES = ("proposed", "accepted", "in_progress")


def is_overdue(row: dict[str, Any], now: datetime | None = None) -> bool:
    """限时办结 for a need in hand: ``core.deadlines``' rule, where "responded" means a first match was
    proposed (``responded_at``). ``overdue_clause`` is the same rule for queries."""
    return deadlines.is_overdue(
        now or clock.now(),
        is_open=row["status"] in OPEN_STATUSES,
        respond_by=row["respond_by"],
        responded_at=row.get("responded_at"),
        resolve_by=row["resolve_by"],
    )


def overdue_clause(now: datetime | None = None) -> Combinable:
    return deadlines.overdue_clause(
        now or clock.now(),
        open_clause=Need.status.is_in(list(OPEN_STATUSES)),
        respond_by=Need.respond_by,
        responded_at=Need.responded_at,
        resolve_by=Need.resolve_by,
    )


def to_out(row: dict[str, Any]) -> NeedOut:
    return NeedOut(
        id=row["id"],
        community_id=row["community_id"],
        area_id=row["area_id"],
        title=row["title"],
        description=row["description"],
        category=row["category"],
        quantity=row["quantity"],
        unit=row["unit"],
        splittable=row["splittable"],
        urgency=row["urgency"],
        importance=row["importance"],
        colour=row["colour"],
        respond_by=row["respond_by"],
        resolve_by=row["resolve_by"],
        beneficiary_groups=as_list(row["beneficiary_groups"]),
        status=row["status"],
        quantity_matched=row["quantity_matched"],
        quantity_done=row["quantity_done"],
        quantity_open=max(row["quantity"] - row["quantity_matched"], 0),
        published_at=row["published_at"],
        resolved_at=row["resolved_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        community_name=row.get("community_id.name") or "",
        area_name=row.get("area_id.name") or "",
        overdue=is_overdue(row),
        item=row.get("item") or "",
    )


async def places_of(community_id: int) -> list[dict[str, Any]]:
    """Where a community's need can be: its own area and everything under it (the form's picker)."""
    org = await Organization.select(Organization.area.path).where(Organization.id == community_id).first()
    if org is None:
        return []
    return await area_options(levels=None, paths=[org["area.path"]], limit=5000)


async def place_choices(community_id: int) -> list[tuple[int, str]]:
    """The form's picker as (id, label), named from under the community ("第2网格 › 3号楼")."""
    org = await Organization.select(Organization.area.path).where(Organization.id == community_id).first()
    if org is None:
        return []
    return await path_labels(await places_of(community_id), below=org["area.path"])


@cache
def _columns() -> tuple[Any, ...]:
    # Built once (columns through a foreign key are deep copies in Piccolo: costly on every list request).
    return (*Need.all_columns(), Need.community_id.name, Need.area_id.name, Need.area_id.path)


def _select():
    return Need.select(*_columns())


async def get_row(need_id: int) -> dict[str, Any]:
    row = await _select().where(Need.id == need_id).first()
    if row is None:
        raise NotFound("Need not found")
    return row


def can_manage(principal: Principal, row: dict[str, Any]) -> bool:
    """The community's own staff and grid workers."""
    return principal.acts_for(row["community_id"], COMMUNITY_ROLES)


def can_see(principal: Principal, row: dict[str, Any]) -> bool:
    """Published needs are the county's shared list; drafts stay with their community and its overseers."""
    if row["status"] != "draft":
        return True
    return can_manage(principal, row) or principal.covers_area(row["area_id.path"])


async def get_visible_row(principal: Principal, need_id: int) -> dict[str, Any]:
    row = await get_row(need_id)
    if not can_see(principal, row):
        raise NotFound("Need not found")
    return row


async def get_need(principal: Principal, need_id: int) -> NeedOut:
    return to_out(await get_visible_row(principal, need_id))


async def _check_place(community_id: int, area_id: int | None) -> tuple[dict[str, Any], dict[str, Any]]:
    community = (
        await Organization.select(*Organization.all_columns(), Organization.area.path)
        .where(Organization.id == community_id)
        .first()
    )
    if community is None or community["kind"] != "community":
        raise Invalid("Not a community", {"community_id": "must be a community"})
    area = await Area.select().where(Area.id == (area_id or community["area"])).first()
    if area is None or not area["path"].startswith(community["area.path"]):
        raise Invalid("The place must lie inside the community", {"area_id": "must lie inside the community"})
    return community, area


def _derive(values: dict[str, Any], policy, start: datetime) -> dict[str, Any]:
    """Colour from urgency × importance and deadlines from the policy, unless set by hand."""
    if not values.get("colour_set"):
        values["colour"] = policy.colour(values["urgency"], values["importance"])
    if not values.get("deadlines_set"):
        values["respond_by"], values["resolve_by"] = policy.deadlines(values["colour"], start)
    return values


def _check_deadlines(respond_by: datetime | None, resolve_by: datetime | None) -> None:
    if respond_by and resolve_by and resolve_by < respond_by:
        raise Invalid("Resolve-by must not be before respond-by", {"resolve_by": "must not be before respond-by"})


async def _insert(principal: Principal, data: NeedIn, area: dict[str, Any], policy) -> int:
    now = clock.now()
    values: dict[str, Any] = {
        "community_id": data.community_id,
        "area_id": area["id"],
        "title": data.title.strip(),
        "description": data.description,
        "category": data.category,
        "quantity": data.quantity,
        "unit": data.unit.strip(),
        "item": data.item.strip(),
        "splittable": data.splittable,
        "urgency": data.urgency,
        "importance": data.importance,
        "colour": data.colour,
        "colour_set": data.colour is not None,
        "respond_by": data.respond_by,
        "resolve_by": data.resolve_by,
        "deadlines_set": data.respond_by is not None or data.resolve_by is not None,
        "beneficiary_groups": list(dict.fromkeys(data.beneficiary_groups)),
        "status": "published" if data.publish else "draft",
        "published_at": now if data.publish else None,
    }
    _derive(values, policy, now)
    if values["deadlines_set"]:
        # One set by hand, the other still from the policy.
        derived = policy.deadlines(values["colour"], now)
        values["respond_by"] = values["respond_by"] or derived[0]
        values["resolve_by"] = values["resolve_by"] or derived[1]
    _check_deadlines(values["respond_by"], values["resolve_by"])
    need = Need(created_by=principal.account_id, created_at=now, updated_at=now, **values)
    await need.save()
    await record(principal, "create", "need", need.id, values, summary=data.title)
    return need.id


def require_poster(principal: Principal) -> None:
    """403 unless the caller is on some community's staff: the one check behind the need form and its save."""
    if not principal.community_ids:
        raise Forbidden("Only the community's staff post its needs")


async def create_need(principal: Principal, data: NeedIn) -> NeedOut:
    require_poster(principal)
    if not principal.acts_for(data.community_id, COMMUNITY_ROLES):
        raise Forbidden("Only the community's staff post its needs")
    _, area = await _check_place(data.community_id, data.area_id)
    policy = await policy_for_area(area["id"])
    async with write_transaction():
        need_id = await _insert(principal, data, area, policy)
    return to_out(await get_row(need_id))


async def update_need(principal: Principal, need_id: int, patch: NeedPatch) -> NeedOut:
    before = await get_visible_row(principal, need_id)
    if not can_manage(principal, before):
        raise Forbidden("Only the community's staff edit its needs")
    if before["status"] not in ("draft", "published", "matched"):
        raise WrongStatus("need", before["status"], "edit")
    changes = {k: v for k, v in msgspec.structs.asdict(patch).items() if v is not msgspec.UNSET}
    reason = str(changes.pop("reason", "") or "").strip()
    if not changes:
        return to_out(before)
    by_hand = [k for k in HAND_SET if changes.get(k) is not None]
    if by_hand and not reason:
        raise Invalid("Give a reason for setting colour or deadlines by hand", {"reason": "required"})
    await _check_consistent_with_matches(need_id, before, changes)
    if "area_id" in changes:
        await _check_place(before["community_id"], changes["area_id"])
    if "colour" in changes:
        changes["colour_set"] = changes["colour"] is not None
    if "respond_by" in changes or "resolve_by" in changes:
        changes["deadlines_set"] = True
    merged = {**before, **changes}
    if any(k in changes for k in ("urgency", "importance", "colour")) or "deadlines_set" in changes:
        policy = await policy_for_area(merged["area_id"])
        start = before["published_at"] or clock.now()
        derived = _derive(dict(merged), policy, start)
        for key in ("colour", "respond_by", "resolve_by"):
            if derived[key] != before[key]:
                changes[key] = derived[key]
    _check_deadlines(merged.get("respond_by"), merged.get("resolve_by"))
    async with write_transaction():
        update = Need.update({**{getattr(Need, k): v for k, v in changes.items()}, Need.updated_at: clock.now()})
        where = (Need.id == need_id) & Need.status.is_in(["draft", "published", "matched"])
        if "quantity" in changes:
            # Never below what matches already reserved.
            where &= Need.quantity_matched <= changes["quantity"]
        if not await update.where(where).returning(Need.id):
            current = await get_row(need_id)
            if current["status"] not in ("draft", "published", "matched"):
                raise WrongStatus("need", current["status"], "edit")
            raise Conflict("Matches already reserve more than that", {"quantity": "below the matched quantity"})
        audit: dict[str, Any] = diff(before, changes)
        if reason:
            audit["reason"] = reason
        await record(principal, "set_by_hand" if by_hand else "update", "need", need_id, audit, summary=before["title"])
    return to_out(await get_row(need_id))


HAND_SET = ("colour", "respond_by", "resolve_by")
# What matches were made for: with live matches these stay as they are (quantity may not drop below them).
MATCHED_ON = ("category", "unit", "item", "splittable")


async def _check_consistent_with_matches(need_id: int, before: dict[str, Any], changes: dict[str, Any]) -> None:
    from jinlin.matches.tables import Match

    fixed = [k for k in MATCHED_ON if k in changes and changes[k] != before.get(k)]
    if fixed and await Match.exists().where(
        (Match.need_id == need_id) & Match.status.is_in(list(ACTIVE_MATCH_STATUSES))
    ):
        raise Conflict(
            "The need has live matches: cancel them before changing what they were made for",
            {k: "fixed while matches are live" for k in fixed},
        )


async def derived_preview(principal: Principal, need_id: int, urgency: int, importance: int) -> dict[str, Any]:
    """The colour and deadlines the policy would give (what "derived" means on the edit page)."""
    row = await get_visible_row(principal, need_id)
    if not can_manage(principal, row):  # it is part of the edit page: only those who may edit see it
        raise Forbidden("Only the community's staff edit its needs")
    policy = await policy_for_area(row["area_id"])
    colour = policy.colour(urgency, importance)
    respond_by, resolve_by = policy.deadlines(colour, row["published_at"] or clock.now())
    return {"colour": colour, "respond_by": respond_by, "resolve_by": resolve_by}


async def _transition(
    principal: Principal,
    need_id: int,
    action: str,
    allowed: tuple[str, ...],
    new_status: str,
    extra: dict[Any, Any] | None = None,
) -> NeedOut:
    row = await get_visible_row(principal, need_id)
    if not can_manage(principal, row):
        raise Forbidden("Only the community's staff change its needs")
    from jinlin.matches.tables import Match

    async with write_transaction():
        values = {Need.status: new_status, Need.updated_at: clock.now(), **(extra or {})}
        if action == "publish":
            policy = await policy_for_area(row["area_id"])
            now = clock.now()
            values[Need.published_at] = now
            if not row["deadlines_set"]:
                values[Need.respond_by], values[Need.resolve_by] = policy.deadlines(row["colour"], now)
        if action == "cancel" and await Match.exists().where(
            (Match.need_id == need_id) & Match.status.is_in(list(ACTIVE_MATCH_STATUSES))
        ):
            raise Conflict("Cancel or finish its matches first", {"status": row["status"]})
        done = (
            await Need.update(values).where((Need.id == need_id) & Need.status.is_in(list(allowed))).returning(Need.id)
        )
        if not done:
            raise WrongStatus("need", (await get_row(need_id))["status"], action)
        await record(principal, action, "need", need_id, {"status": [row["status"], new_status]}, summary=row["title"])
    return to_out(await get_row(need_id))


async def publish_need(principal: Principal, need_id: int) -> NeedOut:
    return await _transition(principal, need_id, "publish", ("draft",), "published")


async def cancel_need(principal: Principal, need_id: int) -> NeedOut:
    return await _transition(principal, need_id, "cancel", ("draft", "published", "matched"), "cancelled")


async def resolve_need(principal: Principal, need_id: int) -> NeedOut:
    """Resolved by hand (done some other way, or with less than asked)."""
    return await _transition(principal, need_id, "resolve", OPEN_STATUSES, "resolved", {Need.resolved_at: clock.now()})


async def close_need(principal: Principal, need_id: int) -> NeedOut:
    return await _transition(principal, need_id, "close", ("resolved",), "closed")


async def list_needs(
    principal: Principal,
    paging: PageRequest,
    *,
    status: str | None = None,
    category: str | None = None,
    colour: str | None = None,
    area_id: int | None = None,
    community_id: int | None = None,
    q: str | None = None,
    overdue: bool | None = None,
) -> Page[NeedOut]:
    rows, total = await query_needs(
        principal,
        paging,
        status=status,
        category=category,
        colour=colour,
        area_id=area_id,
        community_id=community_id,
        q=q,
        overdue=overdue,
    )
    return paging.page([to_out(r) for r in rows], total)


async def query_needs(
    principal: Principal,
    paging: PageRequest | None,
    *,
    status: str | None = None,
    category: str | None = None,
    colour: str | None = None,
    area_id: int | None = None,
    community_id: int | None = None,
    q: str | None = None,
    overdue: bool | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Visible needs, filtered, soonest deadline first (rows; ``paging=None`` means all, for exports)."""
    where = []
    mine = list(principal.community_ids)
    # Drafts: only one's own community's (overseers see them on the need's page, not in the shared list).
    visible: Combinable = Need.status != "draft"
    if mine:
        visible = visible | Need.community_id.is_in(mine)
    where.append(visible)
    if status:
        where.append(Need.status.is_in(status.split(",")))
    if category:
        where.append(Need.category.is_in(category.split(",")))
    if colour:
        where.append(Need.colour.is_in(colour.split(",")))
    if community_id is not None:
        where.append(Need.community_id == community_id)
    if area_id is not None:
        root = await Area.select(Area.path).where(Area.id == area_id).first()
        if root is None:
            raise NotFound("Area not found")
        where.append(Need.area_id.path.like(f"{root['path']}%"))
    if q:
        where.append(Need.title.like(f"%{q}%"))
    if overdue:
        where.append(overdue_clause())
    return await fetch_filtered(_select().order_by(Need.resolve_by).order_by(Need.id), Need, where, paging)
