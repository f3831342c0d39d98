"""Bulk set-up from Excel: organisations, accounts and 报到 registrations, each all-or-nothing.

Every row is checked (and every bad one reported with its row, column and reason, in the reader's
language) before anything is written; then one transaction writes them all with one audit row per
object. Accounts get a one-time password, returned once to the importer and never stored in clear.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jinlin.accounts.service import ROLE_ORG_KINDS, can_grant
from jinlin.accounts.tables import Account, Membership, Role
from jinlin.areas.tables import Area
from jinlin.audit.service import record
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import Forbidden
from jinlin.core.i18n import translate
from jinlin.core.security import hash_password
from jinlin.core.tabular import ImportRejected, RowError, write_rows
from jinlin.orgs.service import can_create, can_register
from jinlin.orgs.tables import UNIT_KINDS, Organization, OrganizationKind, Registration
from jinlin.setup import sheets

USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{3,60}$")
PHONE = re.compile(r"^[0-9+\- ]{0,30}$")
ONE_TIME_PASSWORD_BYTES = 9  # 12 URL-safe characters


@dataclass(frozen=True, slots=True)
class NewAccount:
    username: str
    display_name: str
    organization: str
    role: str
    one_time_password: str  # shown once to the importer, never stored in clear


def _err(errors: list[RowError], line: int, column: str, msgid: str, /, **values: Any) -> None:
    errors.append(RowError(line, column, translate(msgid, **values)))


def _rejected(errors: list[RowError]) -> ImportRejected:
    rejected = ImportRejected(sorted(errors, key=lambda e: e.row))  # stable: columns in the order checked
    rejected.message = translate("{n} bad row(s); nothing was imported", n=len(errors))
    return rejected


async def _read(filename: str, content: bytes, spec: sheets.Sheet) -> list[tuple[int, dict[str, str]]]:
    table = await spec.read(filename, content)  # off the event loop, required headers checked
    if not table:
        raise _rejected([RowError(2, spec.headers[0], translate("the file has no rows"))])
    return table


async def _areas_by_key(keys: set[str]) -> dict[str, list[dict[str, Any]]]:
    """Areas named by code, by name, or by a path of names ("河畔社区 › 第1网格"); a bare name may be shared."""
    if not keys:
        return {}
    paths = {k: [p.strip() for p in re.split(r"[›>/]", k) if p.strip()] for k in keys}
    lasts = {p[-1] for p in paths.values() if p}
    rows = await Area.select(Area.id, Area.name, Area.code, Area.path).where(
        Area.code.is_in(list(keys)) | Area.name.is_in(list(lasts))
    )
    ancestor_ids = {int(i) for r in rows for i in r["path"].strip("/").split("/") if i}
    names = {
        r["id"]: r["name"]
        for r in await Area.select(Area.id, Area.name).where(Area.id.is_in(list(ancestor_ids) or [0]))
    }
    out: dict[str, list[dict[str, Any]]] = {}
    for key, parts in paths.items():
        by_code = [r for r in rows if r["code"] == key]
        if by_code:
            out[key] = by_code
            continue
        hits = []
        for r in rows:
            if not parts or r["name"] != parts[-1]:
                continue
            chain = [names.get(int(i), "") for i in r["path"].strip("/").split("/") if i]
            if all(p in chain[:-1] for p in parts[:-1]):
                hits.append(r)
        out[key] = hits
    return out


async def _orgs_by_name(names: set[str]) -> dict[str, list[dict[str, Any]]]:
    if not names:
        return {}
    out: dict[str, list[dict[str, Any]]] = {}
    for r in await Organization.select(
        Organization.id, Organization.name, Organization.kind, Organization.area.path.as_alias("area_path")
    ).where(Organization.name.is_in(list(names))):
        out.setdefault(r["name"], []).append(r)
    return out


def _one(
    found: dict[str, list[dict[str, Any]]], key: str, errors: list[RowError], row: int, column: str, what: str
) -> dict[str, Any] | None:
    hits = found.get(key, [])
    if not hits:
        _err(errors, row, column, "no {what} named {name}", what=translate(what), name=key)
        return None
    if len(hits) > 1:
        _err(
            errors,
            row,
            column,
            "{n} {what}s are named {name}; write the code instead",
            n=len(hits),
            what=translate(what),
            name=key,
        )
        return None
    return hits[0]


# -- organisations --------------------------------------------------------------------------------


async def import_organizations(principal: Principal, filename: str, content: bytes) -> list[int]:
    spec = sheets.ORGANIZATIONS
    h = spec.column
    table = await _read(filename, content, spec)
    errors: list[RowError] = []
    areas = await _areas_by_key({raw.get(h("area"), "").strip() for _, raw in table} - {""})
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, int], int] = {}
    for number, raw in table:
        name = raw.get(h("name"), "").strip()
        if not name or len(name) > 120:
            _err(errors, number, h("name"), "required, at most {n} characters", n=120)
        kind = sheets.code_of(raw.get(h("kind"), ""), [k.value for k in OrganizationKind])
        if kind is None:
            _err(errors, number, h("kind"), "choose one of the list")
        area_key = raw.get(h("area"), "").strip()
        area = _one(areas, area_key, errors, number, h("area"), "area") if area_key else None
        if not area_key:
            _err(errors, number, h("area"), "required")
        phone = raw.get(h("contact_phone"), "").strip()
        if not PHONE.match(phone):
            _err(errors, number, h("contact_phone"), "digits, spaces, + and - only")
        contact = raw.get(h("contact_name"), "").strip()
        if len(contact) > 60:
            _err(errors, number, h("contact_name"), "at most {n} characters", n=60)
        if area and kind and not can_create(principal, kind, area["path"]):
            _err(errors, number, h("area"), "outside what you manage")
        if area and name:
            if (name, area["id"]) in seen:
                _err(errors, number, h("name"), "the same as row {row}", row=seen[(name, area["id"])])
            seen[(name, area["id"])] = number
        rows.append(
            {
                "row": number,
                "name": name,
                "kind": kind,
                "area": area,
                "contact_name": contact,
                "contact_phone": phone,
                "description": raw.get(h("description"), "").strip()[:4000],
            }
        )
    existing = {
        (r["name"], r["area"])
        for r in await Organization.select(Organization.name, Organization.area).where(
            Organization.name.is_in([r["name"] for r in rows if r["name"]] or [""])
        )
    }
    for r in rows:
        if r["area"] and (r["name"], r["area"]["id"]) in existing:
            _err(errors, r["row"], h("name"), "already exists in this area")
    if errors:
        raise _rejected(errors)
    ids = []
    now = clock.now()

    async def write(batch: Sequence[dict[str, Any]]) -> None:
        for r in batch:
            org = Organization(
                name=r["name"],
                kind=r["kind"],
                area=r["area"]["id"],
                contact_name=r["contact_name"],
                contact_phone=r["contact_phone"],
                description=r["description"],
                created_at=now,
                updated_at=now,
            )
            await org.save()
            ids.append(org.id)
            await record(
                principal,
                "create",
                "organization",
                org.id,
                {"name": r["name"], "kind": r["kind"], "area_id": r["area"]["id"], "file": filename},
                summary=r["name"],
            )

    await write_rows(rows, write, size=None)
    return ids


# -- accounts -------------------------------------------------------------------------------------


async def import_accounts(principal: Principal, filename: str, content: bytes) -> list[NewAccount]:
    if not principal.has_role("county_admin", "street_admin", "community_admin", "unit_liaison"):
        raise Forbidden("Only administrators import accounts")
    spec = sheets.ACCOUNTS
    h = spec.column
    table = await _read(filename, content, spec)
    errors: list[RowError] = []
    orgs = await _orgs_by_name({raw.get(h("organization"), "").strip() for _, raw in table} - {""})
    usernames = [raw.get(h("username"), "").strip() for _, raw in table]
    taken = {
        r["username"]
        for r in await Account.select(Account.username).where(
            Account.username.is_in([u for u in usernames if u] or [""])
        )
    }
    seen: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    for number, raw in table:
        username = raw.get(h("username"), "").strip()
        if not USERNAME.match(username):
            _err(errors, number, h("username"), "3 to 60 letters, digits, _ . or -")
        elif username in taken:
            _err(errors, number, h("username"), "already taken")
        elif username in seen:
            _err(errors, number, h("username"), "the same as row {row}", row=seen[username])
        seen.setdefault(username, number)
        display = raw.get(h("display_name"), "").strip()
        if not display or len(display) > 60:
            _err(errors, number, h("display_name"), "required, at most {n} characters", n=60)
        phone = raw.get(h("phone"), "").strip()
        if not PHONE.match(phone):
            _err(errors, number, h("phone"), "digits, spaces, + and - only")
        role = sheets.code_of(raw.get(h("role"), ""), [r.value for r in Role])
        if role is None:
            _err(errors, number, h("role"), "choose one of the list")
        org_name = raw.get(h("organization"), "").strip()
        org = _one(orgs, org_name, errors, number, h("organization"), "organisation") if org_name else None
        if not org_name:
            _err(errors, number, h("organization"), "required")
        if org and role:
            if org["kind"] not in ROLE_ORG_KINDS[role]:
                _err(
                    errors,
                    number,
                    h("role"),
                    "a {role} can't belong to a {kind}",
                    role=translate(role),
                    kind=translate(org["kind"]),
                )
            elif not can_grant(principal, org, role):
                _err(errors, number, h("role"), "not yours to give")
        rows.append({"username": username, "display_name": display, "phone": phone, "role": role, "org": org})
    if errors:
        raise _rejected(errors)
    secrets_ = [secrets.token_urlsafe(ONE_TIME_PASSWORD_BYTES) for _ in rows]
    hashes = [hash_password(s) for s in secrets_]  # slow on purpose: before the transaction
    out = []
    async with write_transaction():
        now = clock.now()
        for r, secret, hashed in zip(rows, secrets_, hashes, strict=True):
            account = Account(
                username=r["username"],
                password_hash=hashed,
                display_name=r["display_name"],
                phone=r["phone"],
                locale="zh_CN",
                must_change_password=True,
                created_at=now,
                updated_at=now,
            )
            await account.save()
            await Membership.insert(
                Membership(account=account.id, organization=r["org"]["id"], role=r["role"], created_at=now)
            )
            await record(
                principal,
                "create",
                "account",
                account.id,
                {"username": r["username"], "memberships": [[r["org"]["id"], r["role"]]], "file": filename},
                summary=r["username"],
            )
            out.append(NewAccount(r["username"], r["display_name"], r["org"]["name"], r["role"], secret))
    return out


# -- 报到 registrations ------------------------------------------------------------------------------


async def import_registrations(principal: Principal, filename: str, content: bytes) -> list[int]:
    spec = sheets.REGISTRATIONS
    h = spec.column
    table = await _read(filename, content, spec)
    errors: list[RowError] = []
    names = {raw.get(h(c), "").strip() for _, raw in table for c in ("organization", "community")} - {""}
    orgs = await _orgs_by_name(names)
    members = {raw.get(h("member"), "").strip() for _, raw in table} - {""}
    accounts = {
        r["username"]: r["id"]
        for r in await Account.select(Account.id, Account.username).where(Account.username.is_in(list(members) or [""]))
    }
    rows: list[dict[str, Any]] = []
    seen: dict[tuple, int] = {}
    for number, raw in table:
        kind = sheets.code_of(raw.get(h("kind"), ""), ["unit", "party_member"])
        if kind is None:
            _err(errors, number, h("kind"), "choose one of the list")
        org_name, community_name = raw.get(h("organization"), "").strip(), raw.get(h("community"), "").strip()
        org = _one(orgs, org_name, errors, number, h("organization"), "organisation") if org_name else None
        community = _one(orgs, community_name, errors, number, h("community"), "community") if community_name else None
        for column, value in (("organization", org_name), ("community", community_name)):
            if not value:
                _err(errors, number, h(column), "required")
        if community and community["kind"] != "community":
            _err(errors, number, h("community"), "not a community")
            community = None
        account_id = None
        username = raw.get(h("member"), "").strip()
        if kind == "unit":
            if org and org["kind"] not in UNIT_KINDS:
                _err(
                    errors, number, h("organization"), "a {kind} is not a co-building unit", kind=translate(org["kind"])
                )
            if username:
                _err(errors, number, h("member"), "only for party members")
        elif kind == "party_member":
            account_id = accounts.get(username)
            if not username:
                _err(errors, number, h("member"), "required for a party member")
            elif account_id is None:
                _err(errors, number, h("member"), "no account {name}", name=username)
            elif org and not await Membership.exists().where(
                (Membership.account == account_id) & (Membership.organization == org["id"])
            ):
                _err(errors, number, h("member"), "not a member of {org}", org=org["name"])
        if org and community:
            community = {**community, "area_path": community["area_path"]}
            if not can_register(principal, org, community):
                _err(errors, number, h("community"), "outside what you manage")
            key = (community["id"], org["id"], kind, account_id)
            if key in seen:
                _err(errors, number, h("organization"), "the same as row {row}", row=seen[key])
            seen[key] = number
            same = (
                (Registration.community == community["id"])
                & (Registration.organization == org["id"])
                & (Registration.kind == (kind or ""))
                & (Registration.status == "active")
            )
            if account_id is not None:
                same = same & (Registration.account == account_id)
            if kind and not (kind == "party_member" and account_id is None) and await Registration.exists().where(same):
                _err(errors, number, h("community"), "already registered with this community")
        rows.append(
            {
                "kind": kind,
                "org": org,
                "community": community,
                "account": account_id,
                "note": raw.get(h("note"), "").strip()[:1000],
            }
        )
    if errors:
        raise _rejected(errors)
    ids = []
    now = clock.now()

    async def write(batch: Sequence[dict[str, Any]]) -> None:
        for r in batch:
            reg = Registration(
                community=r["community"]["id"],
                kind=r["kind"],
                organization=r["org"]["id"],
                account=r["account"],
                note=r["note"],
                registered_at=now,
            )
            await reg.save()
            ids.append(reg.id)
            await record(
                principal,
                "register",
                "organization",
                r["org"]["id"],
                {"community_id": r["community"]["id"], "kind": r["kind"], "file": filename},
                summary=f"{r['org']['name']} → {r['community']['name']}",
            )

    await write_rows(rows, write, size=None)
    return ids
