"""供需项目 lifecycle: propose → each side accepts for itself → in progress → completed by the community.

Quantity is reserved from the offer and the need when the provider accepts, with conditional updates in
one IMMEDIATE/serialisable transaction, so concurrent acceptances can never over-commit; declining or
cancelling releases it. Matching runs and calls create matches through ``create_match``.
"""

from __future__ import annotations

from typing import Any

from piccolo.columns import Column
from piccolo.columns.combination import Combinable
from piccolo.query import WhereRaw

from jinlin.audit.service import record
from jinlin.auth.principal import COMMUNITY_ROLES, UNIT_ROLES, Principal
from jinlin.catalog.codes import as_list
from jinlin.catalog.service import policy_for_area
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import Conflict, Forbidden, Invalid, NotFound, WrongStatus
from jinlin.core.pagination import Page, PageRequest, fetch_filtered
from jinlin.matches.compat import why_incompatible
from jinlin.matches.schemas import MatchOut
from jinlin.matches.tables import Match
from jinlin.needs.service import OPEN_STATUSES
from jinlin.needs.tables import Need
from jinlin.notifications.service import notify
from jinlin.offers.service import _sync_exhausted
from jinlin.offers.tables import Offer

ACTIVE = ("proposed", "accepted", "in_progress")
SIDES = ("community", "provider")


def to_out(row: dict[str, Any]) -> MatchOut:
    return MatchOut(
        id=row["id"],
        need_id=row["need_id"],
        offer_id=row["offer_id"],
        community_id=row["community_id"],
        provider_id=row["provider_id"],
        quantity=row["quantity"],
        source=row["source"],
        run_id=row["run_id"],
        reasons=[str(r) for r in as_list(row["reasons"])],
        status=row["status"],
        proposed_by=row["proposed_by"],
        community_accepted_at=row["community_accepted_at"],
        provider_accepted_at=row["provider_accepted_at"],
        started_at=row["started_at"],
        completed_at=row["completed_at"],
        ended_at=row["ended_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        need_title=row.get("need_id.title") or "",
        offer_title=row.get("offer_id.title") or "",
        unit=row.get("need_id.unit") or "",
        community_name=row.get("community_id.name") or "",
        provider_name=row.get("provider_id.name") or "",
    )


def _select():
    return Match.select(
        *Match.all_columns(),
        Match.need_id.title,
        Match.need_id.unit,
        Match.need_id.area_id,
        Match.need_id.area_id.path,
        Match.offer_id.title,
        Match.community_id.name,
        Match.provider_id.name,
    )


async def get_row(match_id: int) -> dict[str, Any]:
    row = await _select().where(Match.id == match_id).first()
    if row is None:
        raise NotFound("Match not found")
    return row


def sides_of(principal: Principal, row: dict[str, Any]) -> set[str]:
    """The sides the principal may act for: the need's community, the offer's provider."""
    sides = set()
    if principal.acts_for(row["community_id"], COMMUNITY_ROLES):
        sides.add("community")
    if principal.acts_for(row["provider_id"], UNIT_ROLES):
        sides.add("provider")
    return sides


def can_see(principal: Principal, row: dict[str, Any]) -> bool:
    return (
        principal.acts_for(row["community_id"])
        or principal.acts_for(row["provider_id"])
        or principal.covers_area(row["need_id.area_id.path"])
    )


async def get_visible_row(principal: Principal, match_id: int) -> dict[str, Any]:
    row = await get_row(match_id)
    if not can_see(principal, row):
        raise NotFound("Match not found")
    return row


async def get_match(principal: Principal, match_id: int) -> MatchOut:
    return to_out(await get_visible_row(principal, match_id))


def _pick_side(principal: Principal, row: dict[str, Any], side: str | None, action: str) -> str:
    sides = sides_of(principal, row)
    if side is not None:
        if side not in sides:
            raise Forbidden("You can't {action} for the {side}", params={"action": action, "side": side})
        return side
    if not sides:
        raise Forbidden("Only the two sides can {action}", params={"action": action})
    # Someone on both sides acts for the community unless they say otherwise.
    return "community" if "community" in sides else "provider"


def _other(side: str) -> str:
    return "provider" if side == "community" else "community"


async def _notify_side(row: dict[str, Any], side: str, kind: str, title: str) -> None:
    org_id = row["community_id"] if side == "community" else row["provider_id"]
    await notify(
        kind=kind,
        title=title,
        organization_id=org_id,
        link=f"/matches/{row['id']}",
        params={"need": row.get("need_id.title") or row.get("need_title", ""), "id": row["id"]},
        object_type="match",
        object_id=row["id"],
    )


# -- creating ---------------------------------------------------------------------------------


async def create_match(
    actor: Principal | None,
    need_id: int,
    offer_id: int,
    quantity: int,
    source: str = "manual",
    run_id: int | None = None,
    reasons: list[str] | None = None,
    *,
    proposed_by: str | None = None,
) -> MatchOut:
    """Propose a match. ``source="manual"`` needs an actor on one of the two sides; runs and calls pass
    their own ``source`` (and ``run_id``) and are authorised by their feature. Nothing is reserved yet."""
    if source not in ("manual", "run", "call"):
        raise Invalid("Unknown source", {"source": "must be run, manual or call"})
    if quantity < 1:
        raise Invalid("Quantity must be positive", {"quantity": "must be a positive integer"})
    need = await Need.select().where(Need.id == need_id).first()
    offer = await Offer.select().where(Offer.id == offer_id).first()
    if need is None or (need["status"] == "draft" and not (actor and actor.acts_for(need["community_id"]))):
        raise NotFound("Need not found")
    if offer is None or (offer["status"] == "draft" and not (actor and actor.acts_for(offer["organization_id"]))):
        raise NotFound("Offer not found")
    if proposed_by is None:
        if source == "manual":
            if actor is None:
                raise Forbidden("Only the two sides propose by hand")
            if actor.acts_for(need["community_id"], COMMUNITY_ROLES):
                proposed_by = "community"
            elif actor.acts_for(offer["organization_id"], UNIT_ROLES):
                proposed_by = "provider"
            else:
                raise Forbidden("Only the need's community or the offer's provider propose a match")
        else:
            proposed_by = "system"
    if need["status"] not in OPEN_STATUSES:
        raise WrongStatus("need", need["status"], "match")
    if offer["status"] != "published":
        raise WrongStatus("offer", offer["status"], "match")
    apart = why_incompatible(need, offer)
    if apart:
        raise Invalid("This offer does not fit this need", apart)
    open_quantity = need["quantity"] - need["quantity_matched"]
    if quantity > open_quantity:
        raise Conflict("The need has {n} open", {"quantity": f"at most {open_quantity}"}, params={"n": open_quantity})
    if not need["splittable"] and quantity != need["quantity"]:
        raise Invalid("This need can't be split", {"quantity": f"must be the whole {need['quantity']}"})
    if quantity > offer["capacity_left"]:
        raise Conflict(
            "The offer has {n} left",
            {"quantity": f"at most {offer['capacity_left']}"},
            params={"n": offer["capacity_left"]},
        )
    now = clock.now()
    async with write_transaction():
        if await Match.exists().where(
            (Match.need_id == need_id) & (Match.offer_id == offer_id) & Match.status.is_in(list(ACTIVE))
        ):
            raise Conflict("These two are already matched", {"offer_id": "already matched with this need"})
        rows = await Match.insert(
            Match(
                need_id=need_id,
                offer_id=offer_id,
                community_id=need["community_id"],
                provider_id=offer["organization_id"],
                quantity=quantity,
                source=source,
                run_id=run_id,
                reasons=list(reasons or []),
                status="proposed",
                proposed_by=proposed_by,
                created_by=getattr(actor, "account_id", None),
                created_at=now,
                updated_at=now,
            )
        ).returning(Match.id)
        match_id = rows[0]["id"]
        await Need.update({Need.responded_at: now}).where((Need.id == need_id) & Need.responded_at.is_null())
        row = {
            "id": match_id,
            "community_id": need["community_id"],
            "provider_id": offer["organization_id"],
            "need_title": need["title"],
            "need_id": need_id,
            "offer_id": offer_id,
            "quantity": quantity,
        }
        if source == "manual":
            # whoever proposes by hand has accepted for their own side (a provider's proposal reserves)
            await accepted_on_creation(row, {proposed_by}, now)
        for side in SIDES:
            if side != proposed_by:
                await _notify_side(row, side, "match_proposed", "New match proposed for “{need}”")
        await record(
            actor,
            "propose",
            "match",
            match_id,
            {"need_id": need_id, "offer_id": offer_id, "quantity": quantity, "source": source, "run_id": run_id},
            summary=need["title"],
        )
    return to_out(await get_row(match_id))


# -- quantities --------------------------------------------------------------------------------


async def _reserve(row: dict[str, Any]) -> None:
    """Take the quantity from the offer and the need, or raise Conflict (the transaction rolls back)."""
    q = row["quantity"]
    taken = (
        await Offer.update({Offer.capacity_left: Offer.capacity_left - q, Offer.updated_at: clock.now()})
        .where(
            (Offer.id == row["offer_id"])
            & (Offer.capacity_left >= q)
            & Offer.status.is_in(["published", "exhausted", "paused"])
        )
        .returning(Offer.id)
    )
    if not taken:
        raise Conflict(
            "The offer has no capacity left for this", {"quantity": "exceeds capacity_left"}, code="capacity_taken"
        )
    reserved = (
        await Need.update({Need.quantity_matched: Need.quantity_matched + q, Need.updated_at: clock.now()})
        .where(
            (Need.id == row["need_id"])
            & Need.status.is_in(list(OPEN_STATUSES))
            & WhereRaw("quantity - quantity_matched >= {}", q)
        )
        .returning(Need.id)
    )
    if not reserved:
        raise Conflict(
            "The need has no open quantity left for this",
            {"quantity": "exceeds the open quantity"},
            code="quantity_taken",
        )
    await _sync_exhausted(row["offer_id"])
    await Need.update({Need.status: "matched"}).where(
        (Need.id == row["need_id"]) & (Need.status == "published") & WhereRaw("quantity_matched >= quantity")
    )


async def accepted_on_creation(row: dict[str, Any], sides: set[str], now) -> None:
    """Mark a match just created as accepted by ``sides`` (inside its creating transaction): the provider's
    acceptance reserves the quantity, as ``accept_match`` does; both sides make it accepted."""
    values: dict[Column | str, Any] = {}
    if "community" in sides:
        values[Match.community_accepted_at] = now
    if "provider" in sides:
        values[Match.provider_accepted_at] = now
        await _reserve(row)
    if values:
        await Match.update(values).where(Match.id == row["id"])
    if {"community", "provider"} <= sides:
        await Match.update({Match.status: "accepted"}).where((Match.id == row["id"]) & (Match.status == "proposed"))


async def _release(row: dict[str, Any]) -> None:
    q = row["quantity"]
    await Offer.update({Offer.capacity_left: Offer.capacity_left + q, Offer.updated_at: clock.now()}).where(
        Offer.id == row["offer_id"]
    )
    await _sync_exhausted(row["offer_id"])
    await Need.update({Need.quantity_matched: Need.quantity_matched - q, Need.updated_at: clock.now()}).where(
        Need.id == row["need_id"]
    )
    await Need.update({Need.status: "published"}).where(
        (Need.id == row["need_id"]) & (Need.status == "matched") & WhereRaw("quantity_matched < quantity")
    )


# -- lifecycle ----------------------------------------------------------------------------------


async def _refuse(match_id: int, action: str) -> None:
    current = await get_row(match_id)
    raise WrongStatus("match", current["status"], action)


async def accept_match(principal: Principal, match_id: int, side: str | None = None) -> MatchOut:
    """Each side accepts for itself; the provider's acceptance reserves the quantity."""
    row = await get_visible_row(principal, match_id)
    side = _pick_side(principal, row, side, "accept")
    column = Match.community_accepted_at if side == "community" else Match.provider_accepted_at
    now = clock.now()
    async with write_transaction():
        claimed = (
            await Match.update({column: now, Match.updated_at: now})
            .where((Match.id == match_id) & (Match.status == "proposed") & column.is_null())
            .returning(Match.id)
        )
        if not claimed:
            current = await get_row(match_id)
            if current["status"] != "proposed":
                raise WrongStatus("match", current["status"], "accept")
            raise Conflict(
                "The {side} has already accepted",
                {"status": current["status"]},
                params={"side": side},
                code="already_accepted",
            )
        if side == "provider":
            await _reserve(row)
        both = (
            await Match.update({Match.status: "accepted"})
            .where(
                (Match.id == match_id)
                & (Match.status == "proposed")
                & Match.community_accepted_at.is_not_null()
                & Match.provider_accepted_at.is_not_null()
            )
            .returning(Match.id)
        )
        await _notify_side(
            row,
            _other(side),
            "match_accepted",
            "The match for “{need}” was accepted by both sides"
            if both
            else "The other side accepted the match for “{need}”",
        )
        await record(
            principal,
            "accept",
            "match",
            match_id,
            {"side": side, "status": ["proposed", "accepted" if both else "proposed"]},
            summary=row["need_id.title"],
        )
    return to_out(await get_row(match_id))


async def _end(
    principal: Principal, match_id: int, action: str, allowed: tuple[str, ...], new_status: str, side: str | None
) -> MatchOut:
    row = await get_visible_row(principal, match_id)
    side = _pick_side(principal, row, side, action)
    now = clock.now()
    async with write_transaction():
        ended = (
            await Match.update({Match.status: new_status, Match.ended_at: now, Match.updated_at: now})
            .where((Match.id == match_id) & Match.status.is_in(list(allowed)))
            .returning(Match.id, Match.provider_accepted_at, Match.status)
        )
        if not ended:
            await _refuse(match_id, action)
        if ended[0]["provider_accepted_at"] is not None:
            await _release(row)
        await _notify_side(
            row,
            _other(side),
            f"match_{new_status}",
            "The match for “{need}” was declined"
            if new_status == "declined"
            else "The match for “{need}” was cancelled",
        )
        await record(
            principal,
            action,
            "match",
            match_id,
            {"side": side, "status": [row["status"], new_status]},
            summary=row["need_id.title"],
        )
    return to_out(await get_row(match_id))


async def decline_match(principal: Principal, match_id: int, side: str | None = None) -> MatchOut:
    return await _end(principal, match_id, "decline", ("proposed",), "declined", side)


async def cancel_match(principal: Principal, match_id: int, side: str | None = None) -> MatchOut:
    return await _end(principal, match_id, "cancel", ("proposed", "accepted"), "cancelled", side)


async def start_match(principal: Principal, match_id: int, side: str | None = None) -> MatchOut:
    row = await get_visible_row(principal, match_id)
    side = _pick_side(principal, row, side, "start")
    now = clock.now()
    async with write_transaction():
        if (
            not await Match.update({Match.status: "in_progress", Match.started_at: now, Match.updated_at: now})
            .where((Match.id == match_id) & (Match.status == "accepted"))
            .returning(Match.id)
        ):
            await _refuse(match_id, "start")
        await Need.update({Need.status: "in_progress", Need.updated_at: now}).where(
            (Need.id == row["need_id"]) & Need.status.is_in(["published", "matched"])
        )
        await _notify_side(row, _other(side), "match_started", "Work on “{need}” has started")
        await record(
            principal, "start", "match", match_id, {"status": ["accepted", "in_progress"]}, summary=row["need_id.title"]
        )
    return to_out(await get_row(match_id))


async def complete_match(principal: Principal, match_id: int) -> MatchOut:
    """The community confirms the work is done; the need is resolved once its quantity is met."""
    row = await get_visible_row(principal, match_id)
    if "community" not in sides_of(principal, row):
        raise Forbidden("Only the community confirms completion")
    now = clock.now()
    async with write_transaction():
        if (
            not await Match.update({Match.status: "completed", Match.completed_at: now, Match.updated_at: now})
            .where((Match.id == match_id) & (Match.status == "in_progress"))
            .returning(Match.id)
        ):
            await _refuse(match_id, "complete")
        q = row["quantity"]
        await Need.update({Need.quantity_done: Need.quantity_done + q, Need.updated_at: now}).where(
            Need.id == row["need_id"]
        )
        resolved = (
            await Need.update({Need.status: "resolved", Need.resolved_at: now})
            .where(
                (Need.id == row["need_id"])
                & Need.status.is_in(list(OPEN_STATUSES))
                & WhereRaw("quantity_done >= quantity")
            )
            .returning(Need.id)
        )
        await _notify_side(row, "provider", "match_completed", "The community confirmed “{need}” as completed")
        await record(
            principal,
            "complete",
            "match",
            match_id,
            {"status": ["in_progress", "completed"], "need_resolved": bool(resolved)},
            summary=row["need_id.title"],
        )
    return to_out(await get_row(match_id))


# -- lists ------------------------------------------------------------------------------------


async def query_matches(
    principal: Principal,
    paging: PageRequest | None,
    *,
    status: str | None = None,
    need_id: int | None = None,
    offer_id: int | None = None,
    organization_id: int | None = None,
    run_id: int | None = None,
    source: str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    mine = list(principal.org_ids())
    visible: Combinable | None = None
    if mine:
        visible = Match.community_id.is_in(mine) | Match.provider_id.is_in(mine)
    for path in principal.area_paths():
        clause = Match.need_id.area_id.path.like(f"{path}%")
        visible = clause if visible is None else visible | clause
    if visible is None:
        return [], 0
    where: list[Combinable] = [visible]
    if status:
        where.append(Match.status.is_in(status.split(",")))
    if need_id is not None:
        where.append(Match.need_id == need_id)
    if offer_id is not None:
        where.append(Match.offer_id == offer_id)
    if organization_id is not None:
        where.append((Match.community_id == organization_id) | (Match.provider_id == organization_id))
    if run_id is not None:
        where.append(Match.run_id == run_id)
    if source is not None:
        where.append(Match.source == source)
    return await fetch_filtered(_select().order_by(Match.id, ascending=False), Match, where, paging)


async def list_matches(principal: Principal, paging: PageRequest, **filters: Any) -> Page[MatchOut]:
    rows, total = await query_matches(principal, paging, **filters)
    return paging.page([to_out(r) for r in rows], total)


async def rating_window_days(row: dict[str, Any]) -> int:
    return (await policy_for_area(row["need_id.area_id"])).rating_window_days


async def accept_run_proposals(principal: Principal, run_id: int) -> dict[str, int]:
    """Accept, for every side the principal acts for, all of a run's proposals still waiting for that side.

    Each acceptance is its own state change (its own transaction, audit row and notice), so one that the
    capacity no longer allows is refused without undoing the others: {"accepted": n, "refused": m}.
    """
    communities, units = principal.org_ids(COMMUNITY_ROLES), principal.org_ids(UNIT_ROLES)
    rows = (
        await Match.select(
            Match.id, Match.community_id, Match.provider_id, Match.community_accepted_at, Match.provider_accepted_at
        )
        .where((Match.run_id == run_id) & (Match.status == "proposed"))
        .order_by(Match.id)
    )
    todo = [(r["id"], "community") for r in rows if r["community_id"] in communities and not r["community_accepted_at"]]
    todo += [(r["id"], "provider") for r in rows if r["provider_id"] in units and not r["provider_accepted_at"]]
    # A run that proposes nothing to the caller's sides is not theirs: refused, not an empty success.
    if not any(r["community_id"] in communities or r["provider_id"] in units for r in rows):
        raise Forbidden("None of this run's proposals is yours to accept")
    done = refused = 0
    for match_id, side in todo:
        try:
            await accept_match(principal, match_id, side)
            done += 1
        except Conflict:
            refused += 1
    return {"accepted": done, "refused": refused}
