"""账号: creating accounts with their memberships, and each account's own settings."""

from __future__ import annotations

from typing import Any

from jinlin.accounts.tables import Account, Membership, Role
from jinlin.audit.service import record
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import Conflict, Invalid, NotFound
from jinlin.core.security import hash_password
from jinlin.orgs.tables import Organization

# Which organisation kinds each role belongs to (a unit liaison can't be a member of a community...).
ROLE_ORG_KINDS: dict[str, frozenset[str]] = {
    "county_admin": frozenset({"agency", "street_office"}),
    "street_admin": frozenset({"street_office"}),
    "community_admin": frozenset({"community"}),
    "community_staff": frozenset({"community"}),
    "grid_worker": frozenset({"community"}),
    "unit_liaison": frozenset({"enterprise", "agency", "village", "social_org", "community"}),
    "team_leader": frozenset({"volunteer_team"}),
    "volunteer": frozenset({"volunteer_team"}),
}
MIN_PASSWORD = 8


async def check_membership(organization_id: int, role: str) -> dict[str, Any]:
    if role not in Role._value2member_map_:
        raise Invalid("Unknown role", {"role": f"unknown role {role!r}"})
    org = await Organization.select(Organization.id, Organization.kind).where(Organization.id == organization_id).first()
    if org is None:
        raise Invalid("No such organisation", {"organization_id": "no such organisation"})
    if org["kind"] not in ROLE_ORG_KINDS[role]:
        raise Invalid(
            "This role does not fit this kind of organisation",
            {"role": f"a {role} can't belong to a {org['kind']}"},
        )
    return org


async def create_account(
    actor: Principal | None, *, username: str, password: str, display_name: str = "", phone: str = "",
    memberships: list[tuple[int, str]] = (), locale: str = "zh_CN", skills: list[str] | None = None,
) -> int:
    """Create an account and its memberships in one transaction; return its id."""
    if len(password) < MIN_PASSWORD:
        raise Invalid("Password too short", {"password": f"at least {MIN_PASSWORD} characters"})
    for organization_id, role in memberships:
        await check_membership(organization_id, role)
    async with write_transaction():
        if await Account.exists().where(Account.username == username):
            raise Conflict("This username is taken", {"username": "already taken"})
        now = clock.now()
        account = Account(username=username, password_hash=hash_password(password), display_name=display_name,
                          phone=phone, locale=locale, skills=skills or [], created_at=now, updated_at=now)
        await account.save()
        for organization_id, role in memberships:
            await Membership.insert(Membership(account=account.id, organization=organization_id, role=role,
                                               created_at=now))
        await record(actor, "create", "account", account.id,
                     {"username": username, "memberships": [list(m) for m in memberships]}, summary=username)
    return account.id


async def set_locale(principal: Principal, locale: str) -> None:
    async with write_transaction():
        updated = await Account.update({Account.locale: locale, Account.updated_at: clock.now()}).where(
            Account.id == principal.account_id
        ).returning(Account.id)
        if not updated:
            raise NotFound("Account not found")
        await record(principal, "update", "account", principal.account_id,
                     {"locale": [principal.locale, locale]}, summary=principal.username)
