"""The access ledger: a community's admins (and county admins) see who read its residents' records and why."""

from __future__ import annotations

from jinlin.auth.principal import Principal
from jinlin.core.errors import NotFound
from jinlin.core.pagination import Page, PageRequest, fetch_filtered
from jinlin.households.schemas import RecordAccessOut
from jinlin.households.tables import Household, RecordAccess


async def access_ledger(
    principal: Principal, community_id: int, paging: PageRequest, resident_id: int | None = None
) -> Page[RecordAccessOut]:
    if not (principal.acts_for(community_id, frozenset({"community_admin"})) or principal.is_county_admin):
        raise NotFound("Community not found")
    # Exports are not tied to a household; they are the community's when its admins or posts made them.
    where = [RecordAccess.household.is_in(Household.select(Household.id).where(Household.community == community_id))]
    if resident_id is not None:
        where.append(RecordAccess.resident == resident_id)
    query = RecordAccess.select(*RecordAccess.all_columns(), RecordAccess.account.display_name).order_by(
        RecordAccess.id, ascending=False
    )
    rows, total = await fetch_filtered(query, RecordAccess, where, paging)
    return paging.page(
        [
            RecordAccessOut(
                id=r["id"],
                at=r["at"],
                account_id=r["account"],
                account_name=r["account.display_name"] or "",
                action=r["action"],
                household_id=r["household"],
                resident_id=r["resident"],
                basis=r["basis"],
                purpose=r["purpose"],
                rows_seen=r["rows_seen"],
            )
            for r in rows
        ],
        total,
    )
