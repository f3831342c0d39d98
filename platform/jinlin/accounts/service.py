"""账号: creating accounts with their memberships, and each account's own settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from jinlin.accounts.schemas import AccountIn, AccountMembershipOut, AccountOut, AccountPatch
from jinlin.accounts.tables import Account, AuthToken, Membership, Role
from jinlin.areas.choices import within
from jinlin.audit.service import record
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import Conflict, Forbidden, Invalid, NotFound
from jinlin.core.pagination import Page, PageRequest, fetch_filtered
from jinlin.core.security import hash_password, mask_phone, password_problem, verify_password
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


async def check_membership(organization_id: int, role: str) -> dict[str, Any]:
    if role not in Role._value2member_map_:
        raise Invalid("Unknown role", {"role": f"unknown role {role!r}"})
    org = (
        await Organization.select(Organization.id, Organization.kind).where(Organization.id == organization_id).first()
    )
    if org is None:
        raise Invalid("No such organisation", {"organization_id": "no such organisation"})
    if org["kind"] not in ROLE_ORG_KINDS[role]:
        raise Invalid(
            "This role does not fit this kind of organisation",
            {"role": f"a {role} can't belong to a {org['kind']}"},
        )
    return org


async def create_account(
    actor: Principal | None,
    *,
    username: str,
    password: str,
    display_name: str = "",
    phone: str = "",
    memberships: Sequence[tuple[int, str]] = (),
    locale: str = "zh_CN",
    skills: list[str] | None = None,
) -> int:
    """Create an account and its memberships in one transaction (or inside the caller's, which then
    holds the whole state change); return its id."""
    if (problem := password_problem(password, username)) is not None:
        raise Invalid("Choose another password", {"password": problem})
    for organization_id, role in memberships:
        await check_membership(organization_id, role)
    password_hash = hash_password(password)  # slow on purpose: kept out of the write lock
    async with write_transaction():
        if await Account.exists().where(Account.username == username):
            raise Conflict("This username is taken", {"username": "already taken"})
        now = clock.now()
        account = Account(
            username=username,
            password_hash=password_hash,
            display_name=display_name,
            phone=phone,
            locale=locale,
            skills=skills or [],
            created_at=now,
            updated_at=now,
        )
        await account.save()
        for organization_id, role in memberships:
            await Membership.insert(
                Membership(account=account.id, organization=organization_id, role=role, created_at=now)
            )
        await record(
            actor,
            "create",
            "account",
            account.id,
            {"username": username, "memberships": [list(m) for m in memberships]},
            summary=username,
        )
    return account.id


async def set_locale(principal: Principal, locale: str) -> None:
    async with write_transaction():
        updated = (
            await Account.update({Account.locale: locale, Account.updated_at: clock.now()})
            .where(Account.id == principal.account_id)
            .returning(Account.id)
        )
        if not updated:
            raise NotFound("Account not found")
        await record(
            principal,
            "update",
            "account",
            principal.account_id,
            {"locale": [principal.locale, locale]},
            summary=principal.username,
        )


# -- who may manage whom -------------------------------------------------------------------------
COMMUNITY_GRANTS = frozenset({"community_staff", "grid_worker"})


def can_grant(principal: Principal, org: dict[str, Any], role: str) -> bool:
    """Whether ``principal`` may give (or take away) ``role`` in ``org`` (a dict with id and area_path).

    County admins: anything. Street admins: any role but county_admin in organisations of their
    street. Community admins: staff and grid workers of their community. Unit liaisons: the
    liaisons of their own unit.
    """
    if principal.is_county_admin:
        return True
    if role != "county_admin" and principal.covers_area(org["area_path"], frozenset({"street_admin"})):
        return True
    if role in COMMUNITY_GRANTS and principal.acts_for(org["id"], frozenset({"community_admin"})):
        return True
    return role == "unit_liaison" and principal.acts_for(org["id"], frozenset({"unit_liaison"}))


async def _memberships(account_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in account_ids}
    if not account_ids:
        return out
    rows = (
        await Membership.select(
            Membership.account,
            Membership.role,
            Membership.organization.id.as_alias("id"),
            Membership.organization.name.as_alias("name"),
            Membership.organization.kind.as_alias("kind"),
            Membership.organization.area.path.as_alias("area_path"),
        )
        .where(Membership.account.is_in(account_ids))
        .order_by(Membership.id)
    )
    for r in rows:
        out[r["account"]].append(r)
    return out


def _manages_any(principal: Principal, memberships: list[dict[str, Any]]) -> bool:
    return principal.is_county_admin or any(can_grant(principal, m, m["role"]) for m in memberships)


def _manages_all(principal: Principal, memberships: list[dict[str, Any]]) -> bool:
    if principal.is_county_admin:
        return True
    return bool(memberships) and all(can_grant(principal, m, m["role"]) for m in memberships)


def account_out(principal: Principal, row: dict[str, Any], memberships: list[dict[str, Any]]) -> AccountOut:
    plain = row["id"] == principal.account_id or _manages_any(principal, memberships)
    return AccountOut(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        locale=row["locale"],
        phone=row["phone"] if plain else mask_phone(row["phone"]),
        active=row["active"],
        memberships=[
            AccountMembershipOut(
                organization_id=m["id"], organization_name=m["name"], organization_kind=m["kind"], role=m["role"]
            )
            for m in memberships
        ],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


_ACCOUNT_COLUMNS = (
    Account.id,
    Account.username,
    Account.display_name,
    Account.locale,
    Account.phone,
    Account.active,
    Account.created_at,
    Account.updated_at,
)


async def _visible_account(principal: Principal, account_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    row = await Account.select(*_ACCOUNT_COLUMNS).where(Account.id == account_id).first()
    if row is None:
        raise NotFound("Account not found")
    memberships = (await _memberships([account_id]))[account_id]
    if account_id != principal.account_id and not _manages_any(principal, memberships):
        raise NotFound("Account not found")
    return row, memberships


async def get_account(principal: Principal, account_id: int) -> AccountOut:
    row, memberships = await _visible_account(principal, account_id)
    return account_out(principal, row, memberships)


async def _managed_account_ids(principal: Principal) -> set[int]:
    """Accounts with at least one membership ``principal`` manages, and ``principal`` itself."""
    clauses: list[Any] = [
        Membership.organization.area.path.like(f"{m.area_path}%") & (Membership.role != "county_admin")
        for m in principal.memberships
        if m.role == "street_admin"
    ]
    communities = principal.org_ids(frozenset({"community_admin"}))
    if communities:
        clauses.append(
            Membership.organization.is_in(sorted(communities)) & Membership.role.is_in(sorted(COMMUNITY_GRANTS))
        )
    units = principal.org_ids(frozenset({"unit_liaison"}))
    if units:
        clauses.append(Membership.organization.is_in(sorted(units)) & (Membership.role == "unit_liaison"))
    ids = {principal.account_id}
    for clause in clauses:
        ids.update(r["account"] for r in await Membership.select(Membership.account).where(clause))
    return ids


async def list_accounts(
    principal: Principal,
    paging: PageRequest,
    *,
    organization_id: int | None = None,
    role: str | None = None,
    q: str | None = None,
) -> Page[AccountOut]:
    where: list[Any] = []
    if not principal.is_county_admin:
        where.append(Account.id.is_in(sorted(await _managed_account_ids(principal))))
    if organization_id is not None or role:
        query = Membership.select(Membership.account)
        if organization_id is not None:
            query = query.where(Membership.organization == organization_id)
        if role:
            query = query.where(Membership.role == role)
        ids = sorted({r["account"] for r in await query}) or [-1]
        where.append(Account.id.is_in(ids))
    if q:
        where.append(Account.username.like(f"%{q}%") | Account.display_name.like(f"%{q}%"))
    query = Account.select(*_ACCOUNT_COLUMNS).order_by(Account.username)
    rows, total = await fetch_filtered(query, Account, where, paging)
    memberships = await _memberships([r["id"] for r in rows])
    return paging.page([account_out(principal, r, memberships[r["id"]]) for r in rows], total)


async def _org_for_grant(organization_id: int, role: str) -> dict[str, Any]:
    await check_membership(organization_id, role)
    org = (
        await Organization.select(
            Organization.id, Organization.name, Organization.kind, Organization.area.path.as_alias("area_path")
        )
        .where(Organization.id == organization_id)
        .first()
    )
    assert org is not None
    return {**org, "role": role}


def require_granter(principal: Principal) -> None:
    """403 unless the caller may give some role somewhere (``can_grant``): the account form and its save."""
    if not principal.has_role("county_admin", "street_admin", "community_admin", "unit_liaison"):
        raise Forbidden("You may not create accounts")


async def create_account_by(principal: Principal, data: AccountIn) -> AccountOut:
    """An administrator creates an account with its memberships (each one theirs to give)."""
    require_granter(principal)
    wanted = [(m.organization_id, m.role) for m in data.memberships]
    if not wanted and not principal.is_county_admin:
        raise Invalid("Give the account a role", {"memberships": "at least one membership"})
    for i, (organization_id, role) in enumerate(wanted):
        try:
            org = await _org_for_grant(organization_id, role)
        except Invalid as exc:
            raise Invalid(exc.message, {f"memberships[{i}].{k}": v for k, v in exc.fields.items()}) from exc
        if not can_grant(principal, org, role):
            raise Forbidden(
                "You may not give this role in this organisation", {f"memberships[{i}].role": "not yours to give"}
            )
    account_id = await create_account(
        principal,
        username=data.username,
        password=data.password,
        display_name=data.display_name,
        phone=data.phone,
        memberships=wanted,
        locale=data.locale,
    )
    return await get_account(principal, account_id)


async def update_account(principal: Principal, account_id: int, patch: AccountPatch) -> AccountOut:
    """Managers change what they manage; everyone changes their own name, language, phone and password."""
    row, memberships = await _visible_account(principal, account_id)
    is_self = account_id == principal.account_id
    manager = _manages_all(principal, memberships)
    changes = {k: v for k, v in msgspec.structs.asdict(patch).items() if v is not msgspec.UNSET}
    current_password = changes.pop("current_password", None)
    if not is_self and not manager:
        raise Forbidden("You may not change this account")
    if not manager and ({"active", "memberships"} & changes.keys()):
        raise Forbidden(
            "Only an administrator changes roles and access",
            {k: "not yours to change" for k in {"active", "memberships"} & changes.keys()},
        )
    if "password" in changes and (problem := password_problem(changes["password"], row["username"])) is not None:
        raise Invalid("Choose another password", {"password": problem})
    if "password" in changes and is_self:
        stored = await Account.select(Account.password_hash).where(Account.id == account_id).first()
        if stored is None or not current_password or not verify_password(stored["password_hash"], current_password):
            raise Invalid("Enter your current password", {"current_password": "wrong password"})
    added: list[tuple[int, str]] = []
    removed: list[dict[str, Any]] = []
    if "memberships" in changes:
        new = {(m.organization_id, m.role) for m in changes.pop("memberships")}
        old = {(m["id"], m["role"]) for m in memberships}
        added = sorted(new - old)
        removed = [m for m in memberships if (m["id"], m["role"]) not in new]
        for i, (organization_id, role) in enumerate(added):
            org = await _org_for_grant(organization_id, role)
            if not can_grant(principal, org, role):
                raise Forbidden(
                    "You may not give this role in this organisation", {f"memberships[{i}].role": "not yours to give"}
                )
        for m in removed:
            if not can_grant(principal, m, m["role"]):
                raise Forbidden("You may not take this role away", {"memberships": "not yours to change"})
    audit: dict[str, Any] = {k: [row.get(k), v] for k, v in changes.items() if k != "password" and row.get(k) != v}
    values: dict[Any, Any] = {getattr(Account, k): v for k, v in changes.items() if k != "password"}
    if "password" in changes:
        values[Account.password_hash] = hash_password(changes["password"])
        if is_self:
            values[Account.must_change_password] = False  # the one-time password is replaced
        audit["password"] = ["***", "changed"]
    if added or removed:
        audit["memberships"] = [
            [[m["id"], m["role"]] for m in memberships],
            sorted([[m["id"], m["role"]] for m in memberships if m not in removed] + [list(a) for a in added]),
        ]
    if not audit:
        return account_out(principal, row, memberships)
    async with write_transaction():
        now = clock.now()
        await Account.update({**values, Account.updated_at: now}).where(Account.id == account_id)
        for m in removed:
            await Membership.delete().where(
                (Membership.account == account_id)
                & (Membership.organization == m["id"])
                & (Membership.role == m["role"])
            )
        for organization_id, role in added:
            await Membership.insert(
                Membership(account=account_id, organization=organization_id, role=role, created_at=now)
            )
        if changes.get("active") is False or "password" in changes:
            # A new password ends every other session (a thief's too); your own change keeps this one.
            keep = principal.token_digest if is_self and changes.get("active") is not False else ""
            await AuthToken.update({AuthToken.revoked_at: now}).where(
                (AuthToken.account == account_id) & AuthToken.revoked_at.is_null() & (AuthToken.token_hash != keep)
            )
        await record(principal, "update", "account", account_id, audit, summary=row["username"])
    # What the change left, even when it took away the last role by which this manager sees the account
    # (a 404 would say the change failed).
    after = await Account.select(*_ACCOUNT_COLUMNS).where(Account.id == account_id).first()
    return account_out(principal, after or row, (await _memberships([account_id]))[account_id])


async def grantable_organizations(principal: Principal) -> list[dict[str, Any]]:
    """Organisations the caller may give some role in (their own, or those in their street), for a picker."""
    query = Organization.select(Organization.id, Organization.name, Organization.kind).order_by(Organization.name)
    if principal.is_county_admin:
        return await query.limit(1000)
    clause = within(Organization.area.path, principal.area_paths(frozenset({"street_admin"})))
    own = principal.org_ids(frozenset({"community_admin", "unit_liaison"}))
    if own:
        mine = Organization.id.is_in(sorted(own))
        clause = mine if clause is None else clause | mine
    if clause is None:
        return []
    return await query.where(clause).limit(1000)
