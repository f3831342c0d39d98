"""号召 rules: community and street staff issue calls; called units pledge (响应); the issuer turns
pledges into matches against the call's needs and closes the call. Each pledge records its delay."""

from __future__ import annotations

from typing import Any

import msgspec

from jinlin.audit.service import record
from jinlin.auth.principal import COMMUNITY_ROLES, STAFF_ROLES, UNIT_ROLES, Principal
from jinlin.calls.schemas import CallIn, CallOut, PledgeMatchIn, ResponseIn, ResponseOut
from jinlin.calls.tables import Call, CallResponse
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import Conflict, Forbidden, Invalid, NotFound, WrongStatus
from jinlin.core.pagination import Page, PageRequest
from jinlin.matches import service as matches
from jinlin.matches.tables import Match
from jinlin.needs.tables import Need
from jinlin.notifications.service import notify
from jinlin.offers.tables import Offer
from jinlin.orgs.tables import UNIT_KINDS, Organization
from jinlin.posts.roster import registered_units, registered_with

ISSUER_ROLES = frozenset({"community_admin", "community_staff", "street_admin", "county_admin"})
ISSUER_KINDS = ("community", "street_office")


def _overlaps(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


async def _org(org_id: int) -> dict[str, Any]:
    row = (
        await Organization.select(*Organization.all_columns(), Organization.area.path.as_alias("path"))
        .where(Organization.id == org_id)
        .first()
    )
    if row is None:
        raise NotFound("Organisation not found")
    return row


def _select():
    return Call.select(
        *Call.all_columns(), Call.issuer_id.name.as_alias("issuer_name"), Call.area_id.path.as_alias("path")
    ).output(load_json=True)


def _response_out(r: dict[str, Any]) -> ResponseOut:
    return ResponseOut(
        id=r["id"],
        call_id=r["call_id"],
        organization_id=r["organization_id"],
        organization_name=r.get("organization_name", ""),
        quantity=r["quantity"],
        quantity_matched=r["quantity_matched"],
        note=r["note"],
        status=r["status"],
        delay_s=r["delay_s"],
        match_ids=r["match_ids"] or [],
        created_at=r["created_at"],
    )


def to_out(r: dict[str, Any], responses: list[dict[str, Any]] | None = None) -> CallOut:
    return CallOut(
        id=r["id"],
        issuer_id=r["issuer_id"],
        issuer_name=r["issuer_name"],
        area_id=r["area_id"],
        title=r["title"],
        description=r["description"],
        categories=r["categories"] or [],
        quantity=r["quantity"],
        unit=r["unit"],
        unit_kinds=r["unit_kinds"] or [],
        need_ids=r["need_ids"] or [],
        respond_by=r["respond_by"],
        status=r["status"],
        quantity_pledged=r["quantity_pledged"],
        closed_at=r["closed_at"],
        created_at=r["created_at"],
        updated_at=r["updated_at"],
        responses=[_response_out(x) for x in responses or []],
    )


def _issuer_side(principal: Principal, call: dict[str, Any]) -> bool:
    return principal.acts_for(call["issuer_id"], ISSUER_ROLES) or principal.covers_area(
        call["path"], frozenset({"county_admin", "street_admin"})
    )


async def _unit_orgs(principal: Principal) -> list[dict[str, Any]]:
    ids = list(principal.org_ids(UNIT_ROLES))
    if not ids:
        return []
    units = await Organization.select(
        Organization.id, Organization.kind, Organization.area.path.as_alias("path")
    ).where(Organization.id.is_in(ids))
    registered = await registered_with([u["id"] for u in units])
    return [{**u, "registered_with": registered[u["id"]]} for u in units]


def _is_called(call: dict[str, Any], unit: dict[str, Any]) -> bool:
    """A call reaches the units registered (报到) with its issuer wherever they are, and the units nearby."""
    kinds = call["unit_kinds"] or sorted(UNIT_KINDS)
    if unit["kind"] not in kinds:
        return False
    return call["issuer_id"] in unit.get("registered_with", ()) or _overlaps(unit["path"], call["path"])


async def _responses(call_id: int, org_ids: list[int] | None = None) -> list[dict[str, Any]]:
    q = (
        CallResponse.select(
            *CallResponse.all_columns(), CallResponse.organization_id.name.as_alias("organization_name")
        )
        .where(CallResponse.call_id == call_id)
        .order_by(CallResponse.id)
        .output(load_json=True)
    )
    if org_ids is not None:
        q = q.where(CallResponse.organization_id.is_in(org_ids or [-1]))
    return await q


async def get_call(principal: Principal, call_id: int) -> CallOut:
    call = await _select().where(Call.id == call_id).first()
    if call is None:
        raise NotFound("Call not found")
    if _issuer_side(principal, call) or principal.covers_area(call["path"], STAFF_ROLES):
        return to_out(call, await _responses(call_id))
    units = [u for u in await _unit_orgs(principal) if _is_called(call, u)]
    if not units:
        raise NotFound("Call not found")
    return to_out(call, await _responses(call_id, [u["id"] for u in units]))


async def list_responses(principal: Principal, call_id: int, paging: PageRequest) -> Page[ResponseOut]:
    """A call's responses as its own page shows them: every one to the issuing side and covering staff, a unit
    only its own."""
    call = await get_call(principal, call_id)
    items = call.responses
    return paging.page(items[paging.offset : paging.offset + paging.limit], len(items))


async def list_calls(principal: Principal, paging: PageRequest, *, status: str | None = None) -> Page[CallOut]:
    """Staff see the calls of their areas; units see the open calls that call them."""
    rows = await _select().order_by(Call.id, ascending=False)
    units = await _unit_orgs(principal)
    out = []
    for r in rows:
        if status and r["status"] != status:
            continue
        if (
            principal.covers_area(r["path"], STAFF_ROLES)
            or _issuer_side(principal, r)
            or (r["status"] == "open" and any(_is_called(r, u) for u in units))
        ):
            out.append(r)
    page = out[paging.offset : paging.offset + paging.limit]
    return paging.page([to_out(r) for r in page], len(out))


def require_issuer(principal: Principal) -> list[tuple[int, str]]:
    """The issuers to choose from, or 403: the one check behind the call form and its save."""
    issuers = issuer_choices(principal)
    if not issuers:
        raise Forbidden("Only a community's or street office's staff issue calls")
    return issuers


async def create_call(principal: Principal, data: CallIn) -> CallOut:
    require_issuer(principal)
    issuer = await _org(data.issuer_id)
    if issuer["kind"] not in ISSUER_KINDS:
        raise Invalid("Only communities and street offices issue calls", {"issuer_id": "not a community or street"})
    if not principal.acts_for(issuer["id"], ISSUER_ROLES):
        raise Forbidden("You do not act for this organisation")
    if data.respond_by is not None and data.respond_by <= clock.now():
        raise Invalid("The respond-by time has passed", {"respond_by": "must be in the future"})
    if data.need_ids:
        needs = await Need.select(Need.id, Need.area_id.path.as_alias("path"), Need.status).where(
            Need.id.is_in(data.need_ids)
        )
        if len(needs) != len(set(data.need_ids)) or any(
            not n["path"].startswith(issuer["path"]) or n["status"] in ("draft", "cancelled", "closed") for n in needs
        ):
            raise Invalid("Some needs are not open needs of the issuer's area", {"need_ids": "not open needs here"})
    now = clock.now()
    async with write_transaction():
        fields = msgspec.structs.asdict(data)
        fields["categories"] = [str(getattr(c, "value", c)) for c in data.categories]
        call = Call(
            area_id=issuer["area"],
            created_by=principal.account_id,
            status="open",
            created_at=now,
            updated_at=now,
            **fields,
        )
        await call.save()
        kinds: list[str] = list(data.unit_kinds) or sorted(UNIT_KINDS)
        units = await Organization.select(Organization.id, Organization.area.path.as_alias("path")).where(
            Organization.kind.is_in(list(kinds))
        )
        roster = set(await registered_units(issuer["id"]))
        # The co-building roster (报到) first, wherever its units are located; then the units nearby.
        for u in sorted(units, key=lambda u: (u["id"] not in roster, u["id"])):
            if u["id"] in roster or _overlaps(u["path"], issuer["path"]):
                await notify(
                    kind="call_issued",
                    title="{issuer} calls for help: {title}",
                    organization_id=u["id"],
                    params={"issuer": issuer["name"], "title": data.title},
                    link=f"/calls/{call.id}",
                    object_type="call",
                    object_id=call.id,
                )
        await record(
            principal, "create", "call", call.id, {"title": data.title, "quantity": data.quantity}, summary=data.title
        )
    return await get_call(principal, call.id)


async def respond(principal: Principal, call_id: int, data: ResponseIn) -> ResponseOut:
    """响应: a called unit pledges a quantity; one pledge per unit and call."""
    call = await _select().where(Call.id == call_id).first()
    if call is None:
        raise NotFound("Call not found")
    unit = next((u for u in await _unit_orgs(principal) if u["id"] == data.organization_id), None)
    if unit is None:
        if _issuer_side(principal, call) or principal.covers_area(call["path"], STAFF_ROLES):
            raise Forbidden("You do not act for this unit")
        raise NotFound("Call not found")
    if not _is_called(call, unit):
        raise NotFound("Call not found")
    now = clock.now()
    async with write_transaction():
        still_open = (
            await Call.update({Call.quantity_pledged: Call.quantity_pledged + data.quantity, Call.updated_at: now})
            .where((Call.id == call_id) & (Call.status == "open"))
            .returning(Call.id)
        )
        if not still_open:
            raise WrongStatus("The call", "closed", "respond")
        if await CallResponse.exists().where(CallResponse.response_key == f"{call_id}:{unit['id']}"):
            raise Conflict("This unit has already responded", {"organization_id": "already responded"})
        delay = max(0, int((now - call["created_at"]).total_seconds()))
        resp = CallResponse(
            call_id=call_id,
            organization_id=unit["id"],
            response_key=f"{call_id}:{unit['id']}",
            quantity=data.quantity,
            note=data.note,
            delay_s=delay,
            responded_by=principal.account_id,
            created_at=now,
            updated_at=now,
        )
        await resp.save()
        await notify(
            kind="call_response",
            title="A unit pledged {quantity} to {title}",
            organization_id=call["issuer_id"],
            params={"quantity": data.quantity, "title": call["title"]},
            link=f"/calls/{call_id}",
            object_type="call",
            object_id=call_id,
            group_key=f"call:{call_id}:responses",
            group_title="{count} pledges to {title}",
        )
        await record(
            principal,
            "respond",
            "call_response",
            resp.id,
            {"call_id": call_id, "quantity": data.quantity, "delay_s": delay},
            summary=call["title"],
        )
    rows = await _responses(call_id, [unit["id"]])
    return _response_out(rows[0])


async def match_pledge(principal: Principal, call_id: int, response_id: int, data: PledgeMatchIn) -> ResponseOut:
    """Turn (part of) a pledge into a proposed match against one of the call's needs."""
    call = await _select().where(Call.id == call_id).first()
    if call is None or not (_issuer_side(principal, call) or principal.covers_area(call["path"], STAFF_ROLES)):
        raise NotFound("Call not found")
    if not _issuer_side(principal, call):
        raise Forbidden("Only the issuer turns pledges into matches")
    resp = (
        await CallResponse.select()
        .where((CallResponse.id == response_id) & (CallResponse.call_id == call_id))
        .output(load_json=True)
        .first()
    )
    if resp is None:
        raise NotFound("Response not found")
    if data.need_id not in (call["need_ids"] or []):
        raise Invalid("The need is not one of the call's", {"need_id": "not a need of this call"})
    need = await Need.select().where(Need.id == data.need_id).first()
    if need is None:  # listed by the call but deleted since
        raise NotFound("Need not found")
    now = clock.now()
    async with write_transaction():
        took = (
            await CallResponse.update(
                {
                    CallResponse.quantity_matched: CallResponse.quantity_matched + data.quantity,
                    CallResponse.status: "matched",
                    CallResponse.updated_at: now,
                }
            )
            .where(
                (CallResponse.id == response_id)  # the pledge's quantity never changes
                & (CallResponse.quantity_matched <= resp["quantity"] - data.quantity)
            )
            .returning(CallResponse.id)
        )
        if not took:
            raise Conflict("More than what was pledged", {"quantity": "exceeds what is left of the pledge"})
        offer_id = data.offer_id
        if offer_id is None:
            offer = Offer(
                organization_id=resp["organization_id"],
                title=f"{call['title']}（响应）",
                description=resp["note"],
                category=need["category"],
                capacity=data.quantity,
                capacity_left=data.quantity,
                unit=call["unit"],
                status="published",
                created_at=now,
                updated_at=now,
            )
            await offer.save()
            offer_id = offer.id
        elif not await Offer.exists().where(
            (Offer.id == offer_id) & (Offer.organization_id == resp["organization_id"])
        ):
            raise Invalid("Not an offer of the pledging unit", {"offer_id": "not this unit's offer"})
        match = Match(
            need_id=need["id"],
            offer_id=offer_id,
            community_id=need["community_id"],
            provider_id=resp["organization_id"],
            quantity=data.quantity,
            source="call",
            reasons=[f"pledged to call {call['title']}"],
            status="proposed",
            proposed_by="community",
            created_by=principal.account_id,
            created_at=now,
            updated_at=now,
        )
        await match.save()
        # the pledging unit accepted by pledging; the issuer too when it is the need's own community
        sides = {"provider"} | ({"community"} if principal.acts_for(need["community_id"], COMMUNITY_ROLES) else set())
        await matches.accepted_on_creation(
            {"id": match.id, "need_id": need["id"], "offer_id": offer_id, "quantity": data.quantity}, sides, now
        )
        await CallResponse.update({CallResponse.match_ids: [*(resp["match_ids"] or []), match.id]}).where(
            CallResponse.id == response_id
        )
        for org in (need["community_id"], resp["organization_id"]):
            await notify(
                kind="match_proposed",
                title="A match was proposed for {title}",
                organization_id=org,
                params={"title": need["title"]},
                link=f"/matches/{match.id}",
                object_type="match",
                object_id=match.id,
            )
        await record(
            principal,
            "match",
            "call_response",
            response_id,
            {"match_id": match.id, "need_id": need["id"], "quantity": data.quantity},
            summary=call["title"],
        )
    rows = await _responses(call_id, [resp["organization_id"]])
    return _response_out(rows[0])


async def close_call(principal: Principal, call_id: int) -> CallOut:
    call = await _select().where(Call.id == call_id).first()
    if call is None or not (_issuer_side(principal, call) or principal.covers_area(call["path"], STAFF_ROLES)):
        raise NotFound("Call not found")
    if not _issuer_side(principal, call):
        raise Forbidden("Only the issuer closes a call")
    now = clock.now()
    async with write_transaction():
        done = (
            await Call.update({Call.status: "closed", Call.closed_at: now, Call.updated_at: now})
            .where((Call.id == call_id) & (Call.status == "open"))
            .returning(Call.id)
        )
        if not done:
            raise WrongStatus("The call", call["status"], "close")
        await record(principal, "close", "call", call_id, {"status": ["open", "closed"]}, summary=call["title"])
    return await get_call(principal, call_id)


# ------------------------------------------------------------------ what the pages need to show


OPEN_NEED_STATUSES = ("published", "matched", "in_progress")


def issuer_choices(principal: Principal) -> list[tuple[int, str]]:
    """The communities and street offices the principal may issue calls for."""
    return sorted(
        {
            (m.organization_id, m.organization_name)
            for m in principal.memberships
            if m.role in ISSUER_ROLES and m.organization_kind in ISSUER_KINDS
        }
    )


async def open_needs_for_issuer(principal: Principal, issuer_id: int) -> list[dict[str, Any]]:
    """Open needs of the issuer's area: the ones a new call may be for."""
    if not principal.acts_for(issuer_id, ISSUER_ROLES):
        return []
    issuer = await _org(issuer_id)
    return (
        await Need.select(Need.id, Need.title, Need.quantity, Need.quantity_matched, Need.unit, Need.colour)
        .where(Need.area_id.path.like(f"{issuer['path']}%") & Need.status.is_in(list(OPEN_NEED_STATUSES)))
        .order_by(Need.id, ascending=False)
        .limit(100)
    )


async def call_page(principal: Principal, call_id: int) -> dict[str, Any]:
    """A call as its page shows it: the call (with the responses the viewer may see), whether the viewer
    is the issuer's side, the call's needs, and the viewer's units that may still pledge."""
    call = await get_call(principal, call_id)  # raises NotFound out of scope
    row = await _select().where(Call.id == call_id).first()
    issuer = _issuer_side(principal, row)
    needs = (
        await Need.select(Need.id, Need.title, Need.quantity, Need.quantity_matched, Need.unit, Need.status)
        .where(Need.id.is_in(call.need_ids or [-1]))
        .order_by(Need.id)
    )
    pledged = {r.organization_id for r in call.responses}
    units = [u for u in await _unit_orgs(principal) if _is_called(row, u) and u["id"] not in pledged]
    names: dict[int, str] = {}
    if units:
        names = {
            o["id"]: o["name"]
            for o in await Organization.select(Organization.id, Organization.name).where(
                Organization.id.is_in([u["id"] for u in units])
            )
        }
    return {
        "call": call,
        "issuer": issuer,
        "needs": needs,
        "units": [(u["id"], names.get(u["id"], "")) for u in units] if call.status == "open" else [],
    }
