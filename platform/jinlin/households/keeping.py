"""户与居民: keeping the records (create, edit, move out) for the grid's posts and the community's admins.

Personal fields are encrypted here; audit rows name the fields that changed, never their values, so no resident
data reaches the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from jinlin.areas.tables import Area
from jinlin.audit.service import record
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.crypto import keyring, normalise_id
from jinlin.core.db import serialise, write_transaction
from jinlin.core.errors import Conflict, Forbidden, Invalid, NotFound, WrongStatus
from jinlin.households import access
from jinlin.households.schemas import HouseholdIn, HouseholdOut, HouseholdPatch, ResidentIn, ResidentOut, ResidentPatch
from jinlin.households.service import get_resident, household_groups, household_out, readable_resident
from jinlin.households.tables import FocusMembership, Household, Resident
from jinlin.orgs.tables import Organization

SEALED = {"name": "name_enc", "phone": "phone_enc", "care_note": "care_note_enc"}
# Taken (db.serialise) by every write that gives a resident an ID number, so two at once can't both pass the
# one-active-resident-per-ID-number check.
ID_NUMBER_LOCK = 7_410_552


async def claim_id_numbers(hashes: Sequence[str], resident_id: int | None = None) -> set[str]:
    """Inside a write transaction: serialise ID-number writes, and answer which of ``hashes`` an active
    resident other than ``resident_id`` already holds."""
    wanted = sorted({h for h in hashes if h})
    if not wanted:
        return set()
    await serialise(ID_NUMBER_LOCK)
    clause = Resident.id_hash.is_in(wanted) & (Resident.status == "active")
    if resident_id is not None:
        clause &= Resident.id != resident_id
    return {r["id_hash"] for r in await Resident.select(Resident.id_hash).where(clause)}


def _id_number_taken() -> Conflict:
    return Conflict("A resident with this ID number is already recorded", {"id_number": "already recorded"})


async def _grid_of(community_id: int | None, grid_id: int) -> tuple[dict[str, Any], int]:
    grid = await Area.select().where(Area.id == grid_id).first()
    if grid is None or grid["level"] != "grid":
        raise Invalid("Not a grid", {"grid_id": "must be a grid"})
    community = (
        await Organization.select(Organization.id)
        .where((Organization.kind == "community") & (Organization.area == grid["parent"]))
        .first()
    )
    if community is None or (community_id is not None and community["id"] != community_id):
        raise Invalid("The grid belongs to no community", {"grid_id": "must be a grid of a community"})
    return grid, community["id"]


async def _check_party_member(party_member_id: int | None, community_id: int) -> None:
    """党员联户: only a party member registered (报到) with the household's community visits it."""
    from jinlin.orgs.tables import Registration

    if party_member_id is not None and not await Registration.exists().where(
        (Registration.account == party_member_id)
        & (Registration.kind == "party_member")
        & (Registration.community == community_id)
        & (Registration.status == "active")
    ):
        raise Invalid(
            "Not a party member registered with the community",
            {"party_member_id": "not a party member registered with the community"},
        )


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
        row = Household(
            community=community_id,
            grid=grid["id"],
            building=data.building.strip(),
            door=data.door.strip(),
            party_member=data.party_member_id,
            created_by=principal.account_id,
            created_at=now,
            updated_at=now,
        )
        await row.save()
        await record(principal, "create", "household", row.id, {"fields": ["building", "door", "grid"]})
    return await household_row_out(row.id)


async def household_row_out(household_id: int) -> HouseholdOut:
    row = await access.household_select().where(Household.id == household_id).first()
    return household_out(row, (await household_groups([household_id]))[household_id])


async def _writable_household(principal: Principal, household_id: int) -> dict[str, Any]:
    row, scope, _ = await access.readable_household(principal, household_id)
    if not scope.can_write(row):
        raise Forbidden("A grant is for reading; the grid's posts and the admins keep the records")
    return row


async def update_household(principal: Principal, household_id: int, data: HouseholdPatch) -> HouseholdOut:
    household = await _writable_household(principal, household_id)
    values: dict[str, Any] = {
        k: (v.strip() if isinstance(v, str) else v)
        for k, v in msgspec.structs.asdict(data).items()
        if v is not msgspec.UNSET
    }
    if "party_member_id" in values:
        await _check_party_member(values["party_member_id"], household["community"])
        values["party_member"] = values.pop("party_member_id")
    if values:
        async with write_transaction():
            await Household.update(
                {**{getattr(Household, k): v for k, v in values.items()}, Household.updated_at: clock.now()}
            ).where(Household.id == household_id)
            await record(principal, "update", "household", household_id, {"fields": sorted(values)})
    return await household_row_out(household_id)


async def move_out_household(principal: Principal, household_id: int) -> HouseholdOut:
    """The whole household moves out: history kept, personal fields cleared later by retention."""
    await _writable_household(principal, household_id)
    now = clock.now()
    async with write_transaction():
        changed = (
            await Household.update(
                {Household.status: "moved_out", Household.moved_out_at: now, Household.updated_at: now}
            )
            .where((Household.id == household_id) & (Household.status == "active"))
            .returning(Household.id)
        )
        if not changed:
            raise WrongStatus("Household", "moved_out", "move out")
        await Resident.update(
            {Resident.status: "moved_out", Resident.moved_out_at: now, Resident.updated_at: now}
        ).where((Resident.household == household_id) & (Resident.status == "active"))
        await record(principal, "move_out", "household", household_id, {"status": ["active", "moved_out"]})
    return await household_row_out(household_id)


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


async def set_groups(resident_id: int, household: dict[str, Any], groups: Sequence[str]) -> None:
    await FocusMembership.delete().where(FocusMembership.resident == resident_id)
    for group in dict.fromkeys(groups):
        await FocusMembership.insert(
            FocusMembership(resident=resident_id, household=household["id"], grid=household["grid"], focus_group=group)
        )


async def recount(household_id: int) -> None:
    count = await Resident.count().where((Resident.household == household_id) & (Resident.status == "active"))
    await Household.update({Household.member_count: count}).where(
        (Household.id == household_id) & (Household.status == "active")
    )


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
    now = clock.now()
    async with write_transaction():
        if await claim_id_numbers([values.get("id_hash", "")]):
            raise _id_number_taken()
        row = Resident(household=household_id, created_at=now, updated_at=now, **values)
        await row.save()
        await set_groups(row.id, household, data.focus_groups)
        await recount(household_id)
        await record(principal, "create", "resident", row.id, {"fields": sorted(msgspec.structs.asdict(data))})
    return await get_resident(principal, row.id, "recorded")


async def _writable_resident(principal: Principal, resident_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """(resident, household) for those who keep the household's records; a grant reads, it doesn't write."""
    resident, household, (scope, _) = await readable_resident(principal, resident_id)
    if not scope.can_write(household):
        raise Forbidden("A grant is for reading; the grid's posts and the admins keep the records")
    return resident, household


async def resident_to_edit(principal: Principal, household_id: int, resident_id: int) -> ResidentOut:
    """A resident's record for the edit form: shown (and audited) only to those who may save it."""
    resident, _ = await _writable_resident(principal, resident_id)
    if resident["household"] != household_id:
        raise NotFound("Resident not found")
    return await get_resident(principal, resident_id, "edit")


async def update_resident(principal: Principal, resident_id: int, data: ResidentPatch) -> ResidentOut:
    resident, household = await _writable_resident(principal, resident_id)
    if resident["status"] != "active":
        raise WrongStatus("Resident", resident["status"], "edit")
    if data.extra_tags is not msgspec.UNSET:
        await _check_extra_tags(household, data.extra_tags)
    values = sealed_values(data)
    changed = sorted(k for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET)
    async with write_transaction():
        if await claim_id_numbers([values.get("id_hash", "")], resident_id):
            raise _id_number_taken()
        if values:
            await Resident.update(
                {**{getattr(Resident, k): v for k, v in values.items()}, Resident.updated_at: clock.now()}
            ).where(Resident.id == resident_id)
        if data.focus_groups is not msgspec.UNSET:
            await set_groups(resident_id, household, data.focus_groups)
        await record(principal, "update", "resident", resident_id, {"fields": changed})
    return await get_resident(principal, resident_id, "updated")


async def move_out_resident(principal: Principal, resident_id: int) -> ResidentOut:
    resident, _ = await _writable_resident(principal, resident_id)
    now = clock.now()
    async with write_transaction():
        changed = (
            await Resident.update({Resident.status: "moved_out", Resident.moved_out_at: now, Resident.updated_at: now})
            .where((Resident.id == resident_id) & (Resident.status == "active"))
            .returning(Resident.id)
        )
        if not changed:
            raise WrongStatus("Resident", resident["status"], "move out")
        await recount(resident["household"])
        await record(principal, "move_out", "resident", resident_id, {"status": ["active", "moved_out"]})
    return await get_resident(principal, resident_id, "moved out")
