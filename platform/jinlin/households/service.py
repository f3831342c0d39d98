"""户与居民: keeping the records (create, edit, move out) and reading them through the access service.

Personal fields are encrypted here and decrypted only for a reader the access service allows; audit rows
name the fields that changed, never their values, so no resident data reaches the audit log.
"""

from __future__ import annotations

from typing import Any

import msgspec

from jinlin.areas.tables import Area
from jinlin.audit.service import record
from jinlin.auth.principal import Principal
from jinlin.catalog.codes import as_list
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import Conflict, Forbidden, Invalid, NotFound, WrongStatus
from jinlin.core.security import mask_id_number
from jinlin.households import access
from jinlin.households.crypto import keyring, normalise_id
from jinlin.households.schemas import (
    HouseholdIn,
    HouseholdOut,
    HouseholdPatch,
    ResidentIn,
    ResidentOut,
    ResidentPatch,
    RevealOut,
)
from jinlin.households.tables import FocusMembership, Household, Resident
from jinlin.orgs.tables import Organization

SEALED = {"name": "name_enc", "phone": "phone_enc", "care_note": "care_note_enc"}


# -- reading -----------------------------------------------------------------------------------

async def focus_groups_of(resident_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {rid: [] for rid in resident_ids}
    if resident_ids:
        rows = await FocusMembership.select(FocusMembership.resident, FocusMembership.focus_group).where(
            FocusMembership.resident.is_in(resident_ids)).order_by(FocusMembership.id)
        for r in rows:
            out[r["resident"]].append(r["focus_group"])
    return out


async def household_groups(household_ids: list[int]) -> dict[int, list[str]]:
    """Focus groups of the active residents of each household (what the visit plans key on)."""
    out: dict[int, list[str]] = {hid: [] for hid in household_ids}
    if household_ids:
        rows = await FocusMembership.select(FocusMembership.household, FocusMembership.focus_group).where(
            FocusMembership.household.is_in(household_ids) & (FocusMembership.resident.status == "active"))
        for r in rows:
            if r["focus_group"] not in out[r["household"]]:
                out[r["household"]].append(r["focus_group"])
    return out


def resident_out(row: dict[str, Any], groups: list[str]) -> ResidentOut:
    ring = keyring()
    return ResidentOut(
        id=row["id"], household_id=row["household"], name=ring.decrypt(row["name_enc"]), gender=row["gender"],
        birth_year=row["birth_year"], relation=row["relation"], phone=ring.decrypt(row["phone_enc"]),
        id_number_masked=mask_id_number(ring.decrypt(row["id_number_enc"])), focus_groups=groups,
        extra_tags=as_list(row["extra_tags"]), care_note=ring.decrypt(row["care_note_enc"]),
        consent_contact=row["consent_contact"], status=row["status"], moved_out_at=row["moved_out_at"])


def household_out(row: dict[str, Any], groups: list[str], residents: list[ResidentOut] | None = None) -> HouseholdOut:
    return HouseholdOut(
        id=row["id"], community_id=row["community"], grid_id=row["grid"], grid_name=row.get("grid.name") or "",
        building=row["building"], door=row["door"], party_member_id=row["party_member"], status=row["status"],
        member_count=row["member_count"], focus_groups=groups, moved_out_at=row["moved_out_at"],
        created_at=row["created_at"], residents=residents)


async def list_households(principal: Principal, *, grid_id: int | None = None, status: str | None = "active",
                          building: str | None = None) -> list[HouseholdOut]:
    """Households the principal may read: address, counts and focus groups (no names: minimum necessary)."""
    scope = await access.scope_of(principal)
    if scope.empty:
        return []
    query = access.household_select().where(scope.household_clause())
    if grid_id is not None:
        query = query.where(Household.grid == grid_id)
    if status:
        query = query.where(Household.status == status)
    if building:
        query = query.where(Household.building == building)
    rows = await query.order_by(Household.grid).order_by(Household.building).order_by(Household.door)
    groups = await household_groups([r["id"] for r in rows])
    return [household_out(r, groups[r["id"]]) for r in rows]


async def get_household(principal: Principal, household_id: int, purpose: str = "") -> HouseholdOut:
    """A household's full record with its residents; each resident shown writes an access row."""
    row, _, (basis, why) = await access.readable_household(principal, household_id)
    residents = await Resident.select().where(Resident.household == household_id).order_by(Resident.id)
    groups = await focus_groups_of([r["id"] for r in residents])
    async with write_transaction():
        for r in residents:
            await access.log_access(principal, "view", basis, purpose or why, household_id=household_id,
                                    resident_id=r["id"])
    return household_out(row, (await household_groups([household_id]))[household_id],
                         [resident_out(r, groups[r["id"]]) for r in residents])


async def _readable_resident(principal: Principal, resident_id: int) -> tuple[dict[str, Any], dict[str, Any], tuple]:
    resident = await Resident.select().where(Resident.id == resident_id).first()
    if resident is None:
        raise NotFound("Resident not found")
    try:
        household, scope, basis = await access.readable_household(principal, resident["household"])
    except NotFound as exc:
        raise NotFound("Resident not found") from exc
    return resident, household, (scope, basis)


async def get_resident(principal: Principal, resident_id: int, purpose: str = "") -> ResidentOut:
    resident, _, (_, (basis, why)) = await _readable_resident(principal, resident_id)
    async with write_transaction():
        await access.log_access(principal, "view", basis, purpose or why, household_id=resident["household"],
                                resident_id=resident_id)
    return resident_out(resident, (await focus_groups_of([resident_id]))[resident_id])


async def reveal_id(principal: Principal, resident_id: int, reason: str) -> RevealOut:
    """The unmasked ID number, for a stated reason (audited)."""
    await _throttle(principal, "pii-reveal")
    resident, _, (_, (basis, _)) = await _readable_resident(principal, resident_id)
    if not reason.strip():
        raise Invalid("Give a reason", {"reason": "required"})
    async with write_transaction():
        await access.log_access(principal, "reveal_id", basis, reason.strip(), household_id=resident["household"],
                                resident_id=resident_id)
    return RevealOut(resident_id=resident_id, id_number=keyring().decrypt(resident["id_number_enc"]))


LOOKUPS_PER_HOUR = 60  # reveals and ID searches per account: enough for casework, too few to trawl


async def _throttle(principal: Principal, purpose: str) -> None:
    from jinlin.core.errors import RateLimited
    from jinlin.core.ratelimit import allow

    if not await allow(f"{purpose}:account:{principal.account_id}", capacity=LOOKUPS_PER_HOUR, per_seconds=3600):
        raise RateLimited("Too many ID lookups; try again later")


async def search_by_id(principal: Principal, id_number: str, purpose: str) -> list[ResidentOut]:
    """Exact match by ID number through its keyed hash, within what the principal may read."""
    await _throttle(principal, "pii-search")
    scope = await access.scope_of(principal)
    digest = keyring().search_hash(id_number)
    if scope.empty or not digest:
        return []
    rows = await Resident.select(Resident.all_columns(), Resident.household.grid.path.as_alias("grid_path"),
                                 Resident.household.community.as_alias("community_id")).where(
        Resident.id_hash == digest)
    found = []
    async with write_transaction():
        for r in rows:
            basis = scope.basis({"grid.path": r["grid_path"], "community": r["community_id"]})
            if basis is None:
                continue
            await access.log_access(principal, "search", basis[0], purpose, household_id=r["household"],
                                    resident_id=r["id"])
            found.append(r)
    groups = await focus_groups_of([r["id"] for r in found])
    return [resident_out(r, groups[r["id"]]) for r in found]


# -- keeping the records -----------------------------------------------------------------------

async def _grid_of(community_id: int | None, grid_id: int) -> tuple[dict[str, Any], int]:
    grid = await Area.select().where(Area.id == grid_id).first()
    if grid is None or grid["level"] != "grid":
        raise Invalid("Not a grid", {"grid_id": "must be a grid"})
    community = await Organization.select(Organization.id).where(
        (Organization.kind == "community") & (Organization.area == grid["parent"])).first()
    if community is None or (community_id is not None and community["id"] != community_id):
        raise Invalid("The grid belongs to no community", {"grid_id": "must be a grid of a community"})
    return grid, community["id"]


async def _check_party_member(party_member_id: int | None, community_id: int) -> None:
    """党员联户: only a party member registered (报到) with the household's community visits it."""
    from jinlin.orgs.tables import Registration

    if party_member_id is not None and not await Registration.exists().where(
            (Registration.account == party_member_id) & (Registration.kind == "party_member")
            & (Registration.community == community_id) & (Registration.status == "active")):
        raise Invalid("Not a party member registered with the community",
                      {"party_member_id": "not a party member registered with the community"})


async def create_household(principal: Principal, data: HouseholdIn) -> HouseholdOut:
    grid, community_id = await _grid_of(None, data.grid_id)
    scope = await access.scope_of(principal)
    if not scope.can_write_grid(community_id, grid["path"]):
        raise Forbidden("Only the grid's posts and the community's admins keep its households")
    await _check_party_member(data.party_member_id, community_id)
    if not data.building.strip() and not data.door.strip():
        raise Invalid("Give the building or the door number", {"door": "required"})
    now = clock.now()
    async with write_transaction():
        row = Household(community=community_id, grid=grid["id"], building=data.building.strip(),
                        door=data.door.strip(), party_member=data.party_member_id, created_by=principal.account_id,
                        created_at=now, updated_at=now)
        await row.save()
        await record(principal, "create", "household", row.id, {"fields": ["building", "door", "grid"]})
    return await _out(row.id)


async def _out(household_id: int) -> HouseholdOut:
    row = await access.household_select().where(Household.id == household_id).first()
    return household_out(row, (await household_groups([household_id]))[household_id])


async def _writable_household(principal: Principal, household_id: int) -> dict[str, Any]:
    row, scope, _ = await access.readable_household(principal, household_id)
    if not scope.can_write(row):
        raise Forbidden("A grant is for reading; the grid's posts and the admins keep the records")
    return row


async def update_household(principal: Principal, household_id: int, data: HouseholdPatch) -> HouseholdOut:
    household = await _writable_household(principal, household_id)
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in msgspec.structs.asdict(data).items()
              if v is not msgspec.UNSET}
    if "party_member_id" in values:
        await _check_party_member(values["party_member_id"], household["community"])
        values["party_member"] = values.pop("party_member_id")
    if values:
        async with write_transaction():
            await Household.update({**values, "updated_at": clock.now()}).where(Household.id == household_id)
            await record(principal, "update", "household", household_id, {"fields": sorted(values)})
    return await _out(household_id)


async def move_out_household(principal: Principal, household_id: int) -> HouseholdOut:
    """The whole household moves out: history kept, personal fields cleared later by retention."""
    await _writable_household(principal, household_id)
    now = clock.now()
    async with write_transaction():
        changed = await Household.update({Household.status: "moved_out", Household.moved_out_at: now,
                                          Household.updated_at: now}).where(
            (Household.id == household_id) & (Household.status == "active")).returning(Household.id)
        if not changed:
            raise WrongStatus("Household", "moved_out", "move out")
        await Resident.update({Resident.status: "moved_out", Resident.moved_out_at: now, Resident.updated_at: now}) \
            .where((Resident.household == household_id) & (Resident.status == "active"))
        await record(principal, "move_out", "household", household_id, {"status": ["active", "moved_out"]})
    return await _out(household_id)


def sealed_values(data: ResidentIn | ResidentPatch) -> dict[str, Any]:
    """Column values from a request: personal fields encrypted, the ID number also hashed for search."""
    ring = keyring()
    values: dict[str, Any] = {}
    for key, value in msgspec.structs.asdict(data).items():
        if value is msgspec.UNSET or key == "focus_groups":
            continue
        if key in SEALED:
            values[SEALED[key]] = ring.encrypt(value.strip())
        elif key == "id_number":
            number = normalise_id(value)
            if number and len(number) not in (15, 18):
                raise Invalid("An ID number has 15 or 18 characters", {"id_number": "must have 15 or 18 characters"})
            values["id_number_enc"] = ring.encrypt(number)
            values["id_hash"] = ring.search_hash(number)
        elif key == "extra_tags":
            values[key] = list(dict.fromkeys(t.strip() for t in value if t.strip()))
        else:
            values[key] = value
    return values


async def set_groups(resident_id: int, household: dict[str, Any], groups: list[str]) -> None:
    await FocusMembership.delete().where(FocusMembership.resident == resident_id)
    for group in dict.fromkeys(groups):
        await FocusMembership.insert(FocusMembership(resident=resident_id, household=household["id"],
                                                     grid=household["grid"], focus_group=group))


async def recount(household_id: int) -> None:
    count = await Resident.count().where((Resident.household == household_id) & (Resident.status == "active"))
    await Household.update({Household.member_count: count}).where(
        (Household.id == household_id) & (Household.status == "active"))


async def _check_extra_tags(household: dict[str, Any], tags: list[str]) -> None:
    from jinlin.households.tags import county_tags

    allowed = await county_tags(household["grid.path"])
    unknown = [t for t in tags if t not in allowed]
    if unknown:
        raise Invalid("Unknown tag", {"extra_tags": "not one of the county's tags"})


async def add_resident(principal: Principal, household_id: int, data: ResidentIn) -> ResidentOut:
    household = await _writable_household(principal, household_id)
    if household["status"] != "active":
        raise WrongStatus("Household", household["status"], "add a resident")
    await _check_extra_tags(household, data.extra_tags)
    values = sealed_values(data)
    if values.get("id_hash") and await Resident.exists().where(
            (Resident.id_hash == values["id_hash"]) & (Resident.status == "active")):
        raise Conflict("A resident with this ID number is already recorded", {"id_number": "already recorded"})
    now = clock.now()
    async with write_transaction():
        row = Resident(household=household_id, created_at=now, updated_at=now, **values)
        await row.save()
        await set_groups(row.id, household, data.focus_groups)
        await recount(household_id)
        await record(principal, "create", "resident", row.id, {"fields": sorted(msgspec.structs.asdict(data))})
    return await get_resident(principal, row.id, "recorded")


async def update_resident(principal: Principal, resident_id: int, data: ResidentPatch) -> ResidentOut:
    resident, household, (scope, _) = await _readable_resident(principal, resident_id)
    if not scope.can_write(household):
        raise Forbidden("A grant is for reading; the grid's posts and the admins keep the records")
    if resident["status"] != "active":
        raise WrongStatus("Resident", resident["status"], "edit")
    if data.extra_tags is not msgspec.UNSET:
        await _check_extra_tags(household, data.extra_tags)
    values = sealed_values(data)
    changed = sorted(k for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET)
    async with write_transaction():
        if values:
            await Resident.update({**values, "updated_at": clock.now()}).where(Resident.id == resident_id)
        if data.focus_groups is not msgspec.UNSET:
            await set_groups(resident_id, household, data.focus_groups)
        await record(principal, "update", "resident", resident_id, {"fields": changed})
    return await get_resident(principal, resident_id, "updated")


async def move_out_resident(principal: Principal, resident_id: int) -> ResidentOut:
    resident, household, (scope, _) = await _readable_resident(principal, resident_id)
    if not scope.can_write(household):
        raise Forbidden("A grant is for reading; the grid's posts and the admins keep the records")
    now = clock.now()
    async with write_transaction():
        changed = await Resident.update({Resident.status: "moved_out", Resident.moved_out_at: now,
                                         Resident.updated_at: now}).where(
            (Resident.id == resident_id) & (Resident.status == "active")).returning(Resident.id)
        if not changed:
            raise WrongStatus("Resident", resident["status"], "move out")
        await recount(resident["household"])
        await record(principal, "move_out", "resident", resident_id, {"status": ["active", "moved_out"]})
    return await get_resident(principal, resident_id, "moved out")
