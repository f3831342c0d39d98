"""Logging in and out, and turning a token into a Principal."""

from __future__ import annotations

from datetime import timedelta

from jinlin.accounts.tables import Account, AuthToken, LoginFailure, Membership
from jinlin.areas.tables import Area
from jinlin.audit.service import record
from jinlin.auth.principal import MembershipInfo, Principal
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import NotAuthenticated, RateLimited
from jinlin.core.security import new_token, token_digest, verify_password
from jinlin.core.settings import get_settings
from jinlin.orgs.tables import Organization

TOKEN_LIFETIME = timedelta(days=14)
RATE_WINDOW = timedelta(minutes=1)
# An address (a shared office NAT) may try several accounts before it is slowed down.
ADDRESS_FACTOR = 4


async def _check_rate_limit(username: str, address: str) -> None:
    limit = get_settings().login_attempts_per_minute
    since = clock.now() - RATE_WINDOW
    by_account = await LoginFailure.count().where(
        (LoginFailure.username == username) & (LoginFailure.at > since)
    )
    by_address = await LoginFailure.count().where(
        (LoginFailure.address == address) & (LoginFailure.at > since)
    )
    if by_account >= limit or by_address >= limit * ADDRESS_FACTOR:
        raise RateLimited("Too many failed logins; try again in a minute")


async def login(username: str, password: str, address: str) -> tuple[str, Account]:
    """Return a fresh token and the account; wrong credentials raise NotAuthenticated."""
    await _check_rate_limit(username, address)
    account = await Account.objects().where(Account.username == username).first()
    if account is None or not account.active or not verify_password(account.password_hash, password):
        await LoginFailure.insert(LoginFailure(username=username, address=address, at=clock.now()))
        raise NotAuthenticated("Wrong username or password", {"password": "wrong username or password"})
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


async def load_principal(account_id: int, digest: str = "") -> Principal | None:
    account = await Account.objects().where(Account.id == account_id).first()
    if account is None or not account.active:
        return None
    rows = await Membership.select(
        Membership.organization.id,
        Membership.organization.name,
        Membership.organization.kind,
        Membership.role,
        Membership.organization.area.id,
        Membership.organization.area.path,
    ).where(Membership.account == account_id).order_by(Membership.id)
    memberships = tuple(
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
    return Principal(
        account_id=account.id,
        username=account.username,
        display_name=account.display_name,
        locale=account.locale,
        memberships=memberships,
        token_digest=digest,
    )


async def principal_for_token(token: str) -> Principal | None:
    digest = token_digest(token)
    row = await AuthToken.select(AuthToken.account, AuthToken.expires_at).where(
        (AuthToken.token_hash == digest) & AuthToken.revoked_at.is_null()
    ).first()
    if row is None or row["expires_at"] <= clock.now():
        return None
    return await load_principal(row["account"], digest)


__all__ = ["Area", "Organization", "login", "logout", "principal_for_token"]
