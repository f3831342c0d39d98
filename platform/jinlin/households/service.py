"""户与居民: reading residents' records through the access service (lists, full records, ID reveal and search).

Personal fields are decrypted only for a reader the access service allows, and each read is audited there.
Keeping the records (create, edit, move out) is ``households.keeping``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jinlin.auth.principal import Principal
from jinlin.catalog.codes import as_list
from jinlin.core.crypto import keyring
from jinlin.core.db import write_transaction
from jinlin.core.errors import Invalid, NotFound
from jinlin.core.security import mask_id_number
from jinlin.households import access
from jinlin.households.schemas import (
    FocusCode,
    HouseholdOut,
    ResidentOut,
    RevealOut,
)
from jinlin.households.tables import FocusMembership, Household, Resident

# -- reading -----------------------------------------------------------------------------------


async def focus_groups_of(resident_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {rid: [] for rid in resident_ids}
    if resident_ids:
        rows = (
            await FocusMembership.select(FocusMembership.resident, FocusMembership.focus_group)
            .where(FocusMembership.resident.is_in(resident_ids))
            .order_by(FocusMembership.id)
        )
        for r in rows:
            out[r["resident"]].append(r["focus_group"])
    return out


async def household_groups(household_ids: list[int]) -> dict[int, list[FocusCode]]:
    """Focus groups of the active residents of each household (what the visit plans key on)."""
    out: dict[int, list[FocusCode]] = {hid: [] for hid in household_ids}
    if household_ids:
        rows = await FocusMembership.select(FocusMembership.household, FocusMembership.focus_group).where(
            FocusMembership.household.is_in(household_ids) & (FocusMembership.resident.status == "active")
        )
        for r in rows:
            if r["focus_group"] not in out[r["household"]]:
                out[r["household"]].append(r["focus_group"])
    return out


def resident_out(row: dict[str, Any], groups: list[str]) -> ResidentOut:
    ring = keyring()
    return ResidentOut(
        id=row["id"],
        household_id=row["household"],
        name=ring.decrypt(row["name_enc"]),
        gender=row["gender"],
        birth_year=row["birth_year"],
        relation=row["relation"],
        phone=ring.decrypt(row["phone_enc"]),
        id_number_masked=mask_id_number(ring.decrypt(row["id_number_enc"])),
        focus_groups=groups,
        extra_tags=as_list(row["extra_tags"]),
        care_note=ring.decrypt(row["care_note_enc"]),
        consent_contact=row["consent_contact"],
        status=row["status"],
        moved_out_at=row["moved_out_at"],
    )


def household_out(
    row: dict[str, Any], groups: Sequence[str], residents: list[ResidentOut] | None = None
) -> HouseholdOut:
    return HouseholdOut(
        id=row["id"],
        community_id=row["community"],
        grid_id=row["grid"],
        grid_name=row.get("grid.name") or "",
        building=row["building"],
        door=row["door"],
        party_member_id=row["party_member"],
        status=row["status"],
        member_count=row["member_count"],
        focus_groups=list(groups),
        moved_out_at=row["moved_out_at"],
        created_at=row["created_at"],
        residents=residents,
    )


async def list_households(
    principal: Principal, *, grid_id: int | None = None, status: str | None = "active", building: str | None = None
) -> list[HouseholdOut]:
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
            await access.log_access(
                principal, "view", basis, purpose or why, household_id=household_id, resident_id=r["id"]
            )
    return household_out(
        row,
        (await household_groups([household_id]))[household_id],
        [resident_out(r, groups[r["id"]]) for r in residents],
    )


async def readable_resident(principal: Principal, resident_id: int) -> tuple[dict[str, Any], dict[str, Any], tuple]:
    resident = await Resident.select().where(Resident.id == resident_id).first()
    if resident is None:
        raise NotFound("Resident not found")
    try:
        household, scope, basis = await access.readable_household(principal, resident["household"])
    except NotFound as exc:
        raise NotFound("Resident not found") from exc
    return resident, household, (scope, basis)


async def get_resident(principal: Principal, resident_id: int, purpose: str = "") -> ResidentOut:
    resident, _, (_, (basis, why)) = await readable_resident(principal, resident_id)
    async with write_transaction():
        await access.log_access(
            principal, "view", basis, purpose or why, household_id=resident["household"], resident_id=resident_id
        )
    return resident_out(resident, (await focus_groups_of([resident_id]))[resident_id])


async def reveal_id(principal: Principal, resident_id: int, reason: str) -> RevealOut:
    """The unmasked ID number, for a stated reason (audited)."""
    resident, _, (_, (basis, _)) = await readable_resident(principal, resident_id)
    await _throttle(principal, "pii-reveal")
    if not reason.strip():
        raise Invalid("Give a reason", {"reason": "required"})
    async with write_transaction():
        await access.log_access(
            principal, "reveal_id", basis, reason.strip(), household_id=resident["household"], resident_id=resident_id
        )
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
    rows = await Resident.select(
        *Resident.all_columns(),
        Resident.household.grid.path.as_alias("grid_path"),
        Resident.household.community.as_alias("community_id"),
    ).where(Resident.id_hash == digest)
    found = []
    async with write_transaction():
        for r in rows:
            basis = scope.basis({"grid.path": r["grid_path"], "community": r["community_id"]})
            if basis is None:
                continue
            await access.log_access(
                principal, "search", basis[0], purpose, household_id=r["household"], resident_id=r["id"]
            )
            found.append(r)
    groups = await focus_groups_of([r["id"] for r in found])
    return [resident_out(r, groups[r["id"]]) for r in found]
