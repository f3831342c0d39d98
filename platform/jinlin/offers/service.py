"""资源清单 rules: units and teams post offers; capacity moves only through matches (exact, conditional)."""

from __future__ import annotations

from typing import Any

import msgspec
from piccolo.columns.combination import Combinable

from jinlin.areas.tables import Area
from jinlin.audit.service import diff, record
from jinlin.auth.principal import UNIT_ROLES, Principal
from jinlin.catalog.codes import as_list
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import Conflict, Forbidden, Invalid, NotFound, WrongStatus
from jinlin.core.pagination import Page, PageRequest, fetch_filtered
from jinlin.offers.schemas import OfferIn, OfferOut, OfferPatch
from jinlin.offers.tables import Offer
from jinlin.orgs.tables import UNIT_KINDS, Organization

EDITABLE = ("draft", "published", "paused", "exhausted")


def to_out(row: dict[str, Any]) -> OfferOut:
    return OfferOut(
        id=row["id"],
        organization_id=row["organization_id"],
        title=row["title"],
        description=row["description"],
        category=row["category"],
        capacity=row["capacity"],
        unit=row["unit"],
        capacity_left=row["capacity_left"],
        service_area_ids=[int(i) for i in as_list(row["service_area_ids"])],
        radius_km=row["radius_km"],
        available_from=row["available_from"],
        available_until=row["available_until"],
        skills=as_list(row["skills"]),
        status=row["status"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        organization_name=row.get("organization_id.name") or "",
        item=row.get("item") or "",
    )


def _select():
    return Offer.select(
        *Offer.all_columns(), Offer.organization_id.name, Offer.organization_id.area.id, Offer.organization_id.area.path
    )


async def get_row(offer_id: int) -> dict[str, Any]:
    row = await _select().where(Offer.id == offer_id).first()
    if row is None:
        raise NotFound("Offer not found")
    return row


def can_manage(principal: Principal, row: dict[str, Any]) -> bool:
    """The unit's liaison or the team's leader."""
    return principal.acts_for(row["organization_id"], UNIT_ROLES)


def can_see(principal: Principal, row: dict[str, Any]) -> bool:
    if row["status"] != "draft":
        return True
    return principal.acts_for(row["organization_id"]) or principal.covers_area(row["organization_id.area.path"])


async def get_visible_row(principal: Principal, offer_id: int) -> dict[str, Any]:
    row = await get_row(offer_id)
    if not can_see(principal, row):
        raise NotFound("Offer not found")
    return row


async def get_offer(principal: Principal, offer_id: int) -> OfferOut:
    return to_out(await get_visible_row(principal, offer_id))


async def _check(values: dict[str, Any]) -> None:
    ids = values.get("service_area_ids") or []
    if ids:
        found = {r["id"] for r in await Area.select(Area.id).where(Area.id.is_in(list(ids)))}
        missing = [i for i in ids if i not in found]
        if missing:
            raise Invalid("Unknown service area", {"service_area_ids": f"no area with id {missing[0]}"})
    start, end = values.get("available_from"), values.get("available_until")
    if start and end and end < start:
        raise Invalid("The window ends before it starts", {"available_until": "must not be before available_from"})


def require_offerer(principal: Principal) -> None:
    """403 unless the caller speaks for a unit or team: the one check behind the offer form and its save."""
    if not principal.unit_ids:
        raise Forbidden("Only the unit's liaison or the team's leader posts its offers")


async def create_offer(principal: Principal, data: OfferIn) -> OfferOut:
    require_offerer(principal)
    if not principal.acts_for(data.organization_id, UNIT_ROLES):
        raise Forbidden("Only the unit's liaison or the team's leader posts its offers")
    org = await Organization.select().where(Organization.id == data.organization_id).first()
    if org is None or org["kind"] not in UNIT_KINDS:
        raise Invalid("Not a unit or team", {"organization_id": "must be a unit or a volunteer team"})
    values = msgspec.structs.asdict(data)
    publish = values.pop("publish")
    values["service_area_ids"] = list(dict.fromkeys(values["service_area_ids"]))
    await _check(values)
    now = clock.now()
    async with write_transaction():
        offer = Offer(
            capacity_left=data.capacity,
            status="published" if publish else "draft",
            created_by=principal.account_id,
            created_at=now,
            updated_at=now,
            **values,
        )
        await offer.save()
        await record(principal, "create", "offer", offer.id, values, summary=data.title)
    return to_out(await get_row(offer.id))


async def update_offer(principal: Principal, offer_id: int, patch: OfferPatch) -> OfferOut:
    before = await get_visible_row(principal, offer_id)
    if not can_manage(principal, before):
        raise Forbidden("Only the unit's liaison or the team's leader edits its offers")
    if before["status"] not in EDITABLE:
        raise WrongStatus("offer", before["status"], "edit")
    changes = {k: v for k, v in msgspec.structs.asdict(patch).items() if v is not msgspec.UNSET}
    if not changes:
        return to_out(before)
    await _check({**before, **changes, "service_area_ids": changes.get("service_area_ids")})
    fixed = [k for k in ("category", "unit", "item") if k in changes and changes[k] != before.get(k)]
    if fixed:
        from jinlin.matches.tables import Match

        if await Match.exists().where(
            (Match.offer_id == offer_id) & Match.status.is_in(["proposed", "accepted", "in_progress"])
        ):
            # what live matches were made for stays as it was (they were checked against it)
            raise Conflict(
                "The offer has live matches: cancel them before changing what they were made for",
                {k: "fixed while matches are live" for k in fixed},
            )
    values = {getattr(Offer, k): v for k, v in changes.items()}
    where = (Offer.id == offer_id) & Offer.status.is_in(list(EDITABLE))
    if "capacity" in changes:
        # What is reserved stays reserved: capacity_left moves by the same delta, and may not go negative.
        delta = changes["capacity"] - before["capacity"]
        values[Offer.capacity_left] = Offer.capacity_left + delta
        where &= (Offer.capacity == before["capacity"]) & (Offer.capacity_left >= -delta)
    async with write_transaction():
        if not await Offer.update({**values, Offer.updated_at: clock.now()}).where(where).returning(Offer.id):
            current = await get_row(offer_id)
            if current["status"] not in EDITABLE:
                raise WrongStatus("offer", current["status"], "edit")
            raise Conflict("Accepted matches already use more than that", {"capacity": "below what is reserved"})
        await _sync_exhausted(offer_id)
        await record(principal, "update", "offer", offer_id, diff(before, changes), summary=before["title"])
    return to_out(await get_row(offer_id))


async def _sync_exhausted(offer_id: int) -> None:
    """published ⇄ exhausted as capacity_left reaches or leaves 0 (inside the caller's transaction)."""
    await Offer.update({Offer.status: "exhausted"}).where(
        (Offer.id == offer_id) & (Offer.status == "published") & (Offer.capacity_left <= 0)
    )
    await Offer.update({Offer.status: "published"}).where(
        (Offer.id == offer_id) & (Offer.status == "exhausted") & (Offer.capacity_left > 0)
    )


async def _transition(
    principal: Principal, offer_id: int, action: str, allowed: tuple[str, ...], new_status: str
) -> OfferOut:
    row = await get_visible_row(principal, offer_id)
    if not can_manage(principal, row):
        raise Forbidden("Only the unit's liaison or the team's leader changes its offers")
    async with write_transaction():
        done = (
            await Offer.update({Offer.status: new_status, Offer.updated_at: clock.now()})
            .where((Offer.id == offer_id) & Offer.status.is_in(list(allowed)))
            .returning(Offer.id)
        )
        if not done:
            raise WrongStatus("offer", (await get_row(offer_id))["status"], action)
        await _sync_exhausted(offer_id)
        await record(
            principal, action, "offer", offer_id, {"status": [row["status"], new_status]}, summary=row["title"]
        )
    return to_out(await get_row(offer_id))


async def publish_offer(principal: Principal, offer_id: int) -> OfferOut:
    return await _transition(principal, offer_id, "publish", ("draft", "paused"), "published")


async def pause_offer(principal: Principal, offer_id: int) -> OfferOut:
    return await _transition(principal, offer_id, "pause", ("published", "exhausted"), "paused")


async def withdraw_offer(principal: Principal, offer_id: int) -> OfferOut:
    """Withdrawing stops new matches; matches already accepted go on."""
    return await _transition(
        principal, offer_id, "withdraw", ("draft", "published", "paused", "exhausted"), "withdrawn"
    )


async def query_offers(
    principal: Principal,
    paging: PageRequest | None,
    *,
    status: str | None = None,
    category: str | None = None,
    area_id: int | None = None,
    organization_id: int | None = None,
    q: str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    where = []
    mine = list(principal.org_ids())
    visible: Combinable = Offer.status != "draft"
    if mine:
        visible = visible | Offer.organization_id.is_in(mine)
    where.append(visible)
    if status:
        where.append(Offer.status.is_in(status.split(",")))
    if category:
        where.append(Offer.category.is_in(category.split(",")))
    if organization_id is not None:
        where.append(Offer.organization_id == organization_id)
    if area_id is not None:
        root = await Area.select(Area.path).where(Area.id == area_id).first()
        if root is None:
            raise NotFound("Area not found")
        where.append(Offer.organization_id.area.path.like(f"{root['path']}%"))
    if q:
        where.append(Offer.title.like(f"%{q}%"))
    # Soonest end of availability first, then the newest.
    query = _select().order_by(Offer.available_until).order_by(Offer.id, ascending=False)
    return await fetch_filtered(query, Offer, where, paging)


async def list_offers(principal: Principal, paging: PageRequest, **filters: Any) -> Page[OfferOut]:
    rows, total = await query_offers(principal, paging, **filters)
    return paging.page([to_out(r) for r in rows], total)


async def offers_with_room(organization_ids: list[int]) -> list[dict[str, Any]]:
    """The organisations' published offers with capacity left (a need's "offer ours" form)."""
    if not organization_ids:
        return []
    return await Offer.select(Offer.id, Offer.title, Offer.capacity_left, Offer.unit).where(
        Offer.organization_id.is_in(organization_ids) & (Offer.status == "published") & (Offer.capacity_left > 0)
    )
