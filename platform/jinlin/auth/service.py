"""Logging in and out, and turning a token into a Principal."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from functools import cache
from typing import Any

from jinlin.accounts.tables import Account, AuthToken, Membership
from jinlin.areas.tables import Area
from jinlin.audit.service import record
from jinlin.auth.principal import MembershipInfo, Principal
from jinlin.core import clock, ratelimit
from jinlin.core.db import write_transaction
from jinlin.core.errors import NotAuthenticated, RateLimited
from jinlin.core.security import new_token, token_digest, verify_password
from jinlin.core.settings import get_settings
from jinlin.orgs.tables import Organization

TOKEN_LIFETIME = timedelta(days=14)
# An address (a shared office NAT) may try several accounts before it is slowed down.
ADDRESS_FACTOR = 4
# Beyond this many attempts a minute on one account from anywhere, each attempt waits a little: a
# distributed guesser is slowed, and the owner's right password still works (no lock-out).
ACCOUNT_FACTOR = 6
SLOW_DOWN_S = 1.0


def _buckets(username: str, address: str) -> list[tuple[str, int]]:
    limit = get_settings().login_attempts_per_minute
    name = username.lower()[:60]
    return [(f"login:pair:{address}:{name}", limit), (f"login:address:{address}", limit * ADDRESS_FACTOR)]


async def _throttle(username: str, address: str) -> None:
    """Take a token per address+account and per address before checking the password (atomically, so
    parallel guesses cannot all pass); the account's own bucket only slows, so nobody locks out the owner."""
    for key, capacity in _buckets(username, address):
        if not await ratelimit.allow(key, capacity=capacity, per_seconds=60):
            raise RateLimited("Too many failed logins; try again in a minute")
    limit = get_settings().login_attempts_per_minute
    if not await ratelimit.allow(
        f"login:account:{username.lower()[:60]}", capacity=limit * ACCOUNT_FACTOR, per_seconds=60
    ):
        await asyncio.sleep(SLOW_DOWN_S)


async def login(username: str, password: str, address: str) -> tuple[str, Account]:
    """Return a fresh token and the account; wrong credentials raise NotAuthenticated."""
    await _throttle(username, address)
    account = await Account.objects().where(Account.username == username).first()
    if account is None or not account.active or not verify_password(account.password_hash, password):
        raise NotAuthenticated("Wrong username or password", {"password": "wrong username or password"})
    for key, capacity in _buckets(username, address):  # only failures count against the limit
        await ratelimit.refund(key, capacity=capacity)
    token = new_token()
    async with write_transaction():
        await AuthToken.insert(
            AuthToken(
                token_hash=token_digest(token),
                account=account.id,
                created_at=clock.now(),
                expires_at=clock.now() + TOKEN_LIFETIME,
            )
        )
        await record(account, "login", "account", account.id)
    return token, account


async def logout(principal: Principal) -> None:
    async with write_transaction():
        await AuthToken.update({AuthToken.revoked_at: clock.now()}).where(
            (AuthToken.token_hash == principal.token_digest) & AuthToken.revoked_at.is_null()
        )
        await record(principal, "logout", "account", principal.account_id)


@cache
def _membership_columns() -> tuple[Any, ...]:
    # Built once: each access to a column through a foreign key (``Membership.organization.name``)
    # deep-copies it in Piccolo, about 2 ms of every authenticated request when done per query.
    return (
        Membership.organization.id,
        Membership.organization.name,
        Membership.organization.kind,
        Membership.role,
        Membership.organization.area.id,
        Membership.organization.area.path,
    )


@cache
def _token_columns() -> tuple[Any, ...]:
    return (
        AuthToken.expires_at,
        AuthToken.account.id,
        AuthToken.account.username,
        AuthToken.account.display_name,
        AuthToken.account.locale,
        AuthToken.account.active,
        AuthToken.account.must_change_password,
    )


async def _memberships(account_id: int) -> tuple[MembershipInfo, ...]:
    rows = (
        await Membership.select(*_membership_columns()).where(Membership.account == account_id).order_by(Membership.id)
    )
    return tuple(
        MembershipInfo(
            organization_id=r["organization.id"],
            organization_name=r["organization.name"],
            organization_kind=r["organization.kind"],
            role=r["role"],
            area_id=r["organization.area.id"],
            area_path=r["organization.area.path"],
        )
        for r in rows
    )


def _principal(account: dict[str, Any], memberships: tuple[MembershipInfo, ...], digest: str) -> Principal:
    return Principal(
        account_id=account["id"],
        username=account["username"],
        display_name=account["display_name"],
        locale=account["locale"],
        memberships=memberships,
        token_digest=digest,
        must_change_password=bool(account["must_change_password"]),
    )


async def load_principal(account_id: int, digest: str = "") -> Principal | None:
    account = await Account.select(*_ACCOUNT_FIELDS).where(Account.id == account_id).first()
    if account is None or not account["active"]:
        return None
    return _principal(account, await _memberships(account_id), digest)


_ACCOUNT_FIELDS = (
    Account.id,
    Account.username,
    Account.display_name,
    Account.locale,
    Account.active,
    Account.must_change_password,
)


async def principal_for_token(token: str) -> Principal | None:
    """Every request asks the database (no cache): a revoked token (logout, a password change) or a
    deactivated account stops working at once. Two queries: the token with its account, then the
    memberships."""
    digest = token_digest(token)
    row = (
        await AuthToken.select(*_token_columns())
        .where((AuthToken.token_hash == digest) & AuthToken.revoked_at.is_null())
        .first()
    )
    if row is None or row["expires_at"] <= clock.now() or not row["account.active"]:
        return None
    account = {c._meta.name: row[f"account.{c._meta.name}"] for c in _ACCOUNT_FIELDS}
    return _principal(account, await _memberships(account["id"]), digest)


__all__ = ["Area", "Organization", "login", "logout", "principal_for_token"]
