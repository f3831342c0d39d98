"""Starting a real county: its area, its own organisation and its first county admin, once."""

from __future__ import annotations

from dataclasses import dataclass

from jinlin.accounts.tables import Account, Membership
from jinlin.areas.tables import Area
from jinlin.audit.service import record
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import Conflict, Forbidden, Invalid, NotFound
from jinlin.core.security import hash_password, password_problem
from jinlin.orgs.tables import Organization
from jinlin.setup import imports, sheets


@dataclass(frozen=True, slots=True)
class County:
    area_id: int
    organization_id: int
    account_id: int


def default_organization_name(county_name: str) -> str:
    # Grid governance is led by the county party committee's social work department (社会工作部).
    return f"{county_name}委社会工作部"


def _check(county_name: str, username: str, password: str, code: str | None) -> None:
    if not county_name.strip() or len(county_name) > 100:
        raise Invalid("Give the county a name", {"county": "1 to 100 characters"})
    if code is not None and not (0 < len(code) <= 40):
        raise Invalid("The area code is too long", {"code": "1 to 40 characters"})
    if not username.strip() or len(username) > 60:
        raise Invalid("Give the admin a username", {"admin_username": "1 to 60 characters"})
    problem = password_problem(password, username)
    if problem:
        raise Invalid("Password too short", {"password": problem})


async def init_county(
    county_name: str,
    *,
    admin_username: str,
    admin_password: str,
    code: str | None = None,
    organization_name: str | None = None,
    admin_display_name: str = "",
) -> County:
    """Create the county, its organisation and its first admin in one transaction; refuse a second time.

    The check runs inside the transaction (IMMEDIATE on SQLite), so two simultaneous runs cannot both pass it.
    """
    county_name, admin_username = county_name.strip(), admin_username.strip()
    _check(county_name, admin_username, admin_password, code)
    password_hash = hash_password(admin_password)  # slow on purpose: outside the transaction
    async with write_transaction():
        if await Area.exists().where(Area.level == "county"):
            raise Conflict(
                "This database already has a county; jinlin init runs once", {"county": "already initialised"}
            )
        if await Account.exists().where(Account.username == admin_username):
            raise Conflict("This username is taken", {"admin_username": "already taken"})
        now = clock.now()
        area = Area(name=county_name, level="county", parent=None, code=code, path="", created_at=now, updated_at=now)
        await area.save()
        await Area.update({Area.path: f"/{area.id}/"}).where(Area.id == area.id)
        org = Organization(
            name=organization_name or default_organization_name(county_name),
            kind="agency",
            area=area.id,
            created_at=now,
            updated_at=now,
        )
        await org.save()
        account = Account(
            username=admin_username,
            password_hash=password_hash,
            display_name=admin_display_name or admin_username,
            locale="zh_CN",
            created_at=now,
            updated_at=now,
        )
        await account.save()
        await Membership.insert(
            Membership(account=account.id, organization=org.id, role="county_admin", created_at=now)
        )
        await record(None, "create", "area", area.id, {"name": county_name, "code": code}, summary=county_name)
        await record(None, "create", "organization", org.id, {"name": org.name, "kind": "agency"}, summary=org.name)
        await record(
            None,
            "create",
            "account",
            account.id,
            {"username": admin_username, "memberships": [[org.id, "county_admin"]]},
            summary=admin_username,
        )
    return County(area_id=area.id, organization_id=org.id, account_id=account.id)


# -- bulk set-up (who may use it, and one entry point per sheet) ----------------------------------
SETUP_ROLES = frozenset({"county_admin", "street_admin", "community_admin"})


def may_set_up(principal: Principal) -> bool:
    return principal.has_role(*SETUP_ROLES)


def check_import(principal: Principal, sheet: str) -> None:
    """Who may import a set-up sheet, checked before its file is read."""
    if sheet not in sheets.SHEETS:
        raise NotFound("No such import")
    if not may_set_up(principal):
        raise Forbidden("Only county, street and community administrators set up from Excel")


async def run_import(
    principal: Principal, sheet: str, filename: str, content: bytes
) -> tuple[list[int], list[imports.NewAccount]]:
    """Import one set-up sheet; returns (ids, new accounts)."""
    check_import(principal, sheet)
    if sheet == "organizations":
        return await imports.import_organizations(principal, filename, content), []
    if sheet == "registrations":
        return await imports.import_registrations(principal, filename, content), []
    return [], await imports.import_accounts(principal, filename, content)
