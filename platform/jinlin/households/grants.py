"""Access grants: a community lends its records to one account, for a stated purpose, for a period."""

from __future__ import annotations

from typing import Any

from jinlin.accounts.tables import Account
from jinlin.audit.service import record
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import Forbidden, Invalid, NotFound, WrongStatus
from jinlin.households.access import GRANTEE_ROLES, area_of, may_hold_grant
from jinlin.households.schemas import GrantIn, GrantOut
from jinlin.households.tables import AccessGrant

MAX_GRANT_DAYS = 366


def _out(r: dict[str, Any]) -> GrantOut:
    return GrantOut(
        id=r["id"],
        community_id=r["community"],
        area_id=r["area"],
        account_id=r["account"],
        purpose=r["purpose"],
        starts_at=r["starts_at"],
        ends_at=r["ends_at"],
        revoked_at=r["revoked_at"],
    )


async def _community_admin_of(principal: Principal, area_path: str) -> int:
    for m in principal.memberships:
        if m.role == "community_admin" and area_path.startswith(m.area_path):
            return m.organization_id
    raise Forbidden("Only the community's admins grant access to its records")


async def create_grant(principal: Principal, data: GrantIn) -> GrantOut:
    area = await area_of(data.area_id)
    if area is None or area["level"] not in ("community", "grid"):
        raise Invalid("Grant a community or one of its grids", {"area_id": "must be a community or a grid"})
    community_id = await _community_admin_of(principal, area["path"])
    if not await Account.exists().where(Account.id == data.account_id):
        raise Invalid("No such account", {"account_id": "no such account"})
    if data.account_id == principal.account_id:
        raise Invalid("You keep these records already", {"account_id": "not yourself"})
    if not may_hold_grant(await _memberships(data.account_id), area["path"]):
        raise Invalid(
            "Records are lent only to staff of the community or its street office",
            {"account_id": "not staff of this community or its street office"},
        )
    now = clock.now()
    starts = data.starts_at or now
    if data.ends_at <= starts:
        raise Invalid("The grant must end after it starts", {"ends_at": "must be after the start"})
    if (data.ends_at - starts).days > MAX_GRANT_DAYS:
        raise Invalid("A grant lasts at most a year", {"ends_at": f"at most {MAX_GRANT_DAYS} days"})
    async with write_transaction():
        row = AccessGrant(
            community=community_id,
            area=area["id"],
            account=data.account_id,
            purpose=data.purpose.strip(),
            starts_at=starts,
            ends_at=data.ends_at,
            granted_by=principal.account_id,
            created_at=now,
        )
        await row.save()
        await record(
            principal,
            "grant",
            "access_grant",
            row.id,
            {"account_id": data.account_id, "area_id": area["id"], "purpose": data.purpose.strip()},
        )
    return await _stored(row.id)


async def list_grants(principal: Principal, community_id: int) -> list[GrantOut]:
    if not principal.acts_for(community_id, frozenset({"community_admin"})):
        raise NotFound("Community not found")
    rows = (
        await AccessGrant.select()
        .where(AccessGrant.community == community_id)
        .order_by(AccessGrant.id, ascending=False)
    )
    return [_out(r) for r in rows]


async def revoke_grant(principal: Principal, grant_id: int) -> GrantOut:
    row = await AccessGrant.select().where(AccessGrant.id == grant_id).first()
    if row is None or not principal.acts_for(row["community"], frozenset({"community_admin"})):
        raise NotFound("Grant not found")
    async with write_transaction():
        changed = (
            await AccessGrant.update({AccessGrant.revoked_at: clock.now()})
            .where((AccessGrant.id == grant_id) & AccessGrant.revoked_at.is_null())
            .returning(AccessGrant.id)
        )
        if not changed:
            raise WrongStatus("Grant", "revoked", "revoke")
        await record(principal, "revoke", "access_grant", grant_id, {})
    return await _stored(grant_id)


async def _stored(grant_id: int) -> GrantOut:
    """A grant just written in this call (so it exists)."""
    row = await AccessGrant.select().where(AccessGrant.id == grant_id).first()
    assert row is not None
    return _out(row)


async def _memberships(account_id: int) -> list[tuple[str, str]]:
    from jinlin.accounts.tables import Membership

    rows = await Membership.select(Membership.role, Membership.organization.area.path.as_alias("path")).where(
        Membership.account == account_id
    )
    return [(r["role"], r["path"]) for r in rows]


async def grant_form_choices(
    principal: Principal, community_id: int
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(staff of the community and its street office, areas: the community and its grids) for the grant form."""
    from jinlin.accounts.tables import Membership
    from jinlin.areas.tables import Area
    from jinlin.orgs.tables import Organization

    if not principal.acts_for(community_id, frozenset({"community_admin"})):
        raise NotFound("Community not found")
    org = (
        await Organization.select(Organization.area, Organization.area.parent.as_alias("street"))
        .where(Organization.id == community_id)
        .first()
    )
    assert org is not None  # acts_for above: the principal's own community exists
    orgs = Organization.select(Organization.id).where(Organization.area.is_in([org["area"], org["street"]]))
    members = await Membership.select(Membership.account, Membership.account.display_name.as_alias("name")).where(
        Membership.organization.is_in(orgs) & Membership.role.is_in(sorted(GRANTEE_ROLES))
    )
    accounts = sorted(
        {(m["account"], m["name"]) for m in members if m["account"] != principal.account_id}, key=lambda a: a[1]
    )
    areas = (
        await Area.select(Area.id, Area.name)
        .where((Area.id == org["area"]) | ((Area.parent == org["area"]) & (Area.level == "grid")))
        .order_by(Area.path)
    )
    return accounts, [(a["id"], a["name"]) for a in areas]
