"""组织 and 报到 rules: who sees and changes which organisation, phone masking, and registrations.

Visibility: county admins see everything; staff (street, community, grid) see the organisations in
their area's subtree plus every co-building unit (``UNIT_KINDS``); everyone sees the organisations they
belong to; unit liaisons and team leaders also see communities (they register with one). Whatever is
not visible answers 404; visible but not changeable answers 403.
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any

import msgspec

from jinlin.accounts.tables import Membership
from jinlin.areas.tables import Area
from jinlin.audit.service import diff, record
from jinlin.auth.principal import STAFF_ROLES, UNIT_ROLES, Principal
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import Conflict, Forbidden, Invalid, NotFound, WrongStatus
from jinlin.core.pagination import Page, PageRequest, fetch_filtered
from jinlin.core.security import mask_phone
from jinlin.orgs.schemas import OrganizationIn, OrganizationOut, OrganizationPatch, RegistrationIn, RegistrationOut
from jinlin.orgs.tables import UNIT_KINDS, Organization, Registration

GOVERNING_KINDS = frozenset({"community", "street_office"})
COMMUNITY_MANAGERS = frozenset({"community_admin", "community_staff"})


# -- scope ---------------------------------------------------------------------------------------
def _visible_clause(principal: Principal) -> Any | None:
    """A WHERE clause selecting the organisations ``principal`` may see (None: all of them)."""
    if principal.is_county_admin:
        return None
    clauses: list[Any] = [Organization.area.path.like(f"{path}%") for path in principal.area_paths(STAFF_ROLES)]
    if principal.is_staff:
        clauses.append(Organization.kind.is_in(sorted(UNIT_KINDS)))
    if principal.has_role(*UNIT_ROLES):
        clauses.append(Organization.kind == "community")
    own = principal.org_ids()
    if own:
        clauses.append(Organization.id.is_in(sorted(own)))
    if not clauses:
        return Organization.id == -1
    return reduce(operator.or_, clauses)


def can_see(principal: Principal, org: dict[str, Any]) -> bool:
    if principal.is_county_admin or principal.acts_for(org["id"]):
        return True
    if principal.is_staff and (org["kind"] in UNIT_KINDS or principal.covers_area(org["area_path"])):
        return True
    return org["kind"] == "community" and principal.has_role(*UNIT_ROLES)


def can_see_phone(principal: Principal, org: dict[str, Any]) -> bool:
    """The contact phone is for staff covering the organisation's area and for its own members."""
    return principal.covers_area(org["area_path"]) or principal.acts_for(org["id"])


def can_create(principal: Principal, kind: str, area_path: str) -> bool:
    if principal.covers_area(area_path, frozenset({"county_admin", "street_admin"})):
        return True
    # Community admins add the units located in their community, not other communities or offices.
    return kind in UNIT_KINDS and principal.covers_area(area_path, frozenset({"community_admin"}))


def can_edit(principal: Principal, org: dict[str, Any]) -> bool:
    if principal.covers_area(org["area_path"], frozenset({"county_admin", "street_admin"})):
        return True
    if principal.acts_for(org["id"], frozenset({"community_admin"})):
        return True
    if org["kind"] in UNIT_KINDS and principal.covers_area(org["area_path"], frozenset({"community_admin"})):
        return True
    return principal.acts_for(org["id"], UNIT_ROLES)


def can_register(principal: Principal, org: dict[str, Any], community: dict[str, Any]) -> bool:
    """Who may put ``org`` on ``community``'s co-building roster (or take it off)."""
    if principal.covers_area(community["area_path"], frozenset({"county_admin", "street_admin"})):
        return True
    if principal.acts_for(community["id"], COMMUNITY_MANAGERS):
        return True
    return principal.acts_for(org["id"], UNIT_ROLES)


def may_end(
    principal: Principal, account_id: int | None, organization_id: int | None, community: dict[str, Any]
) -> bool:
    """Who may end a 报到 with ``community``: those who may register its unit there, and the party member it
    names (also one who reported when registering as a volunteer, with no unit)."""
    return account_id == principal.account_id or can_register(principal, {"id": organization_id or -1}, community)


# -- reading -------------------------------------------------------------------------------------
def _columns() -> list[Any]:
    return [
        *Organization.all_columns(),
        Organization.area.name.as_alias("area_name"),
        Organization.area.path.as_alias("area_path"),
    ]


async def get_row(org_id: int) -> dict[str, Any]:
    row = await Organization.select(*_columns()).where(Organization.id == org_id).first()
    if row is None:
        raise NotFound("Organisation not found")
    return row


async def visible_row(principal: Principal, org_id: int) -> dict[str, Any]:
    row = await get_row(org_id)
    if not can_see(principal, row):
        raise NotFound("Organisation not found")
    return row


def to_out(principal: Principal, row: dict[str, Any]) -> OrganizationOut:
    masked = not can_see_phone(principal, row)
    phone = row["contact_phone"] or ""
    return OrganizationOut(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        area_id=row["area"],
        area_name=row["area_name"] or "",
        contact_name=row["contact_name"],
        contact_phone=mask_phone(phone) if masked else phone,
        contact_phone_masked=masked and bool(phone),
        description=row["description"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def get_organization(principal: Principal, org_id: int) -> OrganizationOut:
    return to_out(principal, await visible_row(principal, org_id))


async def list_organizations(
    principal: Principal,
    paging: PageRequest,
    *,
    kind: str | None = None,
    area_id: int | None = None,
    q: str | None = None,
) -> Page[OrganizationOut]:
    where: list[Any] = []
    visible = _visible_clause(principal)
    if visible is not None:
        where.append(visible)
    if kind:
        where.append(Organization.kind == kind)
    if area_id is not None:
        root = await Area.select(Area.path).where(Area.id == area_id).first()
        if root is None:
            raise Invalid("No such area", {"area_id": "no such area"})
        where.append(Organization.area.path.like(f"{root['path']}%"))
    if q:
        where.append(Organization.name.like(f"%{q}%"))
    query = Organization.select(*_columns()).order_by(Organization.kind).order_by(Organization.name)
    query = query.order_by(Organization.id)
    rows, total = await fetch_filtered(query, Organization, where, paging)
    return paging.page([to_out(principal, r) for r in rows], total)


async def list_members(principal: Principal, org_id: int) -> list[dict[str, Any]]:
    """The accounts with a role in an organisation (for its detail page). A team's volunteers are listed only
    to the organisation's own people and staff of its area (PIPL, docs/security.md); others who may see the
    organisation (units are visible county-wide) see its office holders: liaisons, leaders, staff."""
    row = await visible_row(principal, org_id)
    query = (
        Membership.select(
            Membership.account.id.as_alias("account_id"),
            Membership.account.username.as_alias("username"),
            Membership.account.display_name.as_alias("display_name"),
            Membership.role,
        )
        .where(Membership.organization == org_id)
        .order_by(Membership.role)
        .order_by(Membership.id)
    )
    if not (
        principal.is_county_admin or principal.acts_for(org_id) or principal.covers_area(row["area_path"], STAFF_ROLES)
    ):
        query = query.where(Membership.role != "volunteer")
    return await query


# -- changing ------------------------------------------------------------------------------------
async def _area_path(area_id: int) -> str:
    area = await Area.select(Area.path).where(Area.id == area_id).first()
    if area is None:
        raise Invalid("No such area", {"area_id": "no such area"})
    return area["path"]


def require_creator(principal: Principal) -> None:
    """403 unless the caller may add some organisation somewhere (``can_create``): the form and its save."""
    if not principal.has_role("county_admin", "street_admin", "community_admin"):
        raise Forbidden("You may not add organisations")


async def editable_row(principal: Principal, org_id: int) -> dict[str, Any]:
    """The organisation, if the caller may change it (404 if they can't see it): the edit form and its save."""
    row = await visible_row(principal, org_id)
    if not can_edit(principal, row):
        raise Forbidden("You may not change this organisation")
    return row


async def create_organization(principal: Principal, data: OrganizationIn) -> OrganizationOut:
    require_creator(principal)
    path = await _area_path(data.area_id)
    if not can_create(principal, data.kind, path):
        raise Forbidden("You may not add this kind of organisation in this area")
    async with write_transaction():
        now = clock.now()
        org = Organization(
            name=data.name,
            kind=data.kind,
            area=data.area_id,
            contact_name=data.contact_name,
            contact_phone=data.contact_phone,
            description=data.description,
            created_at=now,
            updated_at=now,
        )
        await org.save()
        await record(principal, "create", "organization", org.id, msgspec.structs.asdict(data), summary=data.name)
    return to_out(principal, await get_row(org.id))


async def update_organization(principal: Principal, org_id: int, patch: OrganizationPatch) -> OrganizationOut:
    before = await editable_row(principal, org_id)
    changes = {k: v for k, v in msgspec.structs.asdict(patch).items() if v is not msgspec.UNSET}
    if "area_id" in changes:
        # Moving is a change in both places: the new area must be one the caller may add to.
        if not can_create(principal, before["kind"], await _area_path(changes["area_id"])):
            raise Forbidden("You may not move this organisation there", {"area_id": "outside what you manage"})
        changes["area"] = changes.pop("area_id")
    if not changes:
        return to_out(principal, before)
    async with write_transaction():
        await Organization.update(
            {**{getattr(Organization, k): v for k, v in changes.items()}, Organization.updated_at: clock.now()}
        ).where(Organization.id == org_id)
        await record(principal, "update", "organization", org_id, diff(before, changes), summary=before["name"])
    return to_out(principal, await get_row(org_id))


# -- 报到 ----------------------------------------------------------------------------------------
def _registration_columns() -> list[Any]:
    return [
        *Registration.all_columns(),
        Registration.community.name.as_alias("community_name"),
        Registration.organization.name.as_alias("organization_name"),
        Registration.account.display_name.as_alias("account_display"),
        Registration.account.username.as_alias("account_username"),
    ]


def registration_out(row: dict[str, Any]) -> RegistrationOut:
    account_name = (row["account_display"] or row["account_username"]) if row["account"] else None
    return RegistrationOut(
        id=row["id"],
        community_id=row["community"],
        community_name=row["community_name"] or "",
        kind=row["kind"],
        organization_id=row["organization"],
        organization_name=row["organization_name"],
        account_id=row["account"],
        account_name=account_name,
        note=row["note"],
        status=row["status"],
        registered_at=row["registered_at"],
        ended_at=row["ended_at"],
    )


async def register(principal: Principal, org_id: int, data: RegistrationIn) -> RegistrationOut:
    """报到: organisation ``org_id`` (a unit, or the unit of an in-service party member) reports to a community."""
    org = await visible_row(principal, org_id)
    community = await Organization.select(*_columns()).where(Organization.id == data.community_id).first()
    if community is None or community["kind"] != "community":
        raise Invalid("Choose a community", {"community_id": "not a community"})
    account_id = None
    if data.kind == "unit":
        if org["kind"] not in UNIT_KINDS:
            raise Invalid("Only co-building units register as a unit", {"kind": f"a {org['kind']} is not a unit"})
        if data.account_id is not None:
            raise Invalid("A unit registration names no account", {"account_id": "only for party members"})
        allowed = can_register(principal, org, community)
    else:
        account_id = data.account_id if data.account_id is not None else principal.account_id
        if not await Membership.exists().where(
            (Membership.account == account_id) & (Membership.organization == org_id)
        ):
            raise Invalid("The party member must belong to this organisation", {"account_id": "not a member"})
        allowed = can_register(principal, org, community) or (
            account_id == principal.account_id and principal.acts_for(org_id)
        )
    if not allowed:
        raise Forbidden("You may not register this organisation")
    async with write_transaction():
        same = (
            (Registration.community == community["id"])
            & (Registration.organization == org_id)
            & (Registration.kind == data.kind)
            & (Registration.status == "active")
        )
        if account_id is not None:
            same = same & (Registration.account == account_id)
        if await Registration.exists().where(same):
            raise Conflict("Already registered with this community", {"community_id": "already registered"})
        reg = Registration(
            community=community["id"],
            kind=data.kind,
            organization=org_id,
            account=account_id,
            note=data.note,
            status="active",
            registered_at=clock.now(),
        )
        await reg.save()
        await record(
            principal,
            "register",
            "registration",
            reg.id,
            {"community_id": community["id"], "organization_id": org_id, "kind": data.kind, "account_id": account_id},
            summary=f"{org['name']} → {community['name']}",
        )
    return await _registration(reg.id)


async def _registration(reg_id: int) -> RegistrationOut:
    row = await Registration.select(*_registration_columns()).where(Registration.id == reg_id).first()
    if row is None:
        raise NotFound("Registration not found")
    return registration_out(row)


async def list_registrations(
    principal: Principal, org_id: int, paging: PageRequest, *, status: str | None = None
) -> Page[RegistrationOut]:
    """A community's roster (who registered with it) or a unit's registrations (where it registered)."""
    row = await visible_row(principal, org_id)
    where: Any = (Registration.community == org_id) | (Registration.organization == org_id)
    if not (principal.covers_area(row["area_path"]) or principal.acts_for(org_id)):
        # Another community's roster (party members' names included) is not a unit's to read: only the
        # caller's own registrations on it.
        where = where & (
            Registration.organization.is_in(list(principal.org_ids()) or [-1])
            | (Registration.account == principal.account_id)
        )
    if status:
        where = where & (Registration.status == status)
    rows = (
        await Registration.select(*_registration_columns())
        .where(where)
        .order_by(Registration.registered_at, ascending=False)
        .order_by(Registration.id)
        .limit(paging.limit)
        .offset(paging.offset)
    )
    return paging.page([registration_out(r) for r in rows], await Registration.count().where(where))


async def my_registrations(principal: Principal) -> list[RegistrationOut]:
    """The caller's own 报到 as a party member (active first, then ended, newest first): a member who reported
    when registering as a volunteer belongs to no unit and can't open the community's roster, so this is where
    they see and end it."""
    rows = (
        await Registration.select(*_registration_columns())
        .where((Registration.account == principal.account_id) & (Registration.kind == "party_member"))
        .order_by(Registration.status)  # "active" sorts before "ended"
        .order_by(Registration.registered_at, ascending=False)
        .order_by(Registration.id)
    )
    return [registration_out(r) for r in rows]


async def end_registration(principal: Principal, reg_id: int) -> RegistrationOut:
    row = await Registration.select().where(Registration.id == reg_id).first()
    if row is None:
        raise NotFound("Registration not found")
    community = await get_row(row["community"])
    org = await get_row(row["organization"]) if row["organization"] else None
    own = row["account"] == principal.account_id
    # A party member who reported when registering as a volunteer belongs to no unit and may not see the
    # community: their own 报到 is theirs to end all the same.
    if not (own or can_see(principal, community) or (org is not None and can_see(principal, org))):
        raise NotFound("Registration not found")
    if not may_end(principal, row["account"], row["organization"], community):
        raise Forbidden("You may not end this registration")
    async with write_transaction():
        ended = (
            await Registration.update({Registration.status: "ended", Registration.ended_at: clock.now()})
            .where((Registration.id == reg_id) & (Registration.status == "active"))
            .returning(Registration.id)
        )
        if not ended:
            raise WrongStatus("Registration", row["status"], "end")
        await record(
            principal,
            "end",
            "registration",
            reg_id,
            {"status": ["active", "ended"]},
            summary=f"{org['name'] if org else ''} → {community['name']}",
        )
    return await _registration(reg_id)


async def communities_for_choice(principal: Principal) -> list[dict[str, Any]]:
    """Communities the caller can pick from when registering (those visible to them)."""
    query = Organization.select(Organization.id, Organization.name).where(Organization.kind == "community")
    visible = _visible_clause(principal)
    if visible is not None:
        query = query.where(visible)
    return await query.order_by(Organization.name)


async def organizations_of_kind(kind: str, *, limit: int = 500) -> list[dict[str, Any]]:
    """Public names of organisations of one kind (pickers: communities to report to, teams to join)."""
    return (
        await Organization.select(Organization.id, Organization.name, Organization.area.name.as_alias("area"))
        .where(Organization.kind == kind)
        .order_by(Organization.name)
        .limit(limit)
    )
