"""Organisation pages: a filtered list, a detail page (co-building roster 共建单位, members), create/edit,
and registering a unit with a community (报到)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from jinlin.areas.choices import area_options
from jinlin.auth.principal import STAFF_ROLES, UNIT_ROLES, Principal
from jinlin.core.errors import DomainError
from jinlin.core.i18n import gettext
from jinlin.core.nav import NavItem
from jinlin.core.pages import convert_form, form_data, form_errors, redirect, render
from jinlin.core.pagination import PageRequest
from jinlin.orgs import service
from jinlin.orgs.schemas import OrganizationIn, OrganizationPatch, RegistrationIn
from jinlin.orgs.tables import UNIT_KINDS, OrganizationKind

KINDS = [k.value for k in OrganizationKind]
EDITABLE = ("name", "area_id", "contact_name", "contact_phone", "description")


async def _area_choices(principal: Principal) -> list[dict[str, Any]]:
    """Areas an organisation may be placed in: county, streets and communities the caller covers."""
    paths = None if principal.is_county_admin else principal.area_paths(frozenset({"street_admin", "community_admin"}))
    return await area_options(levels=("county", "street", "community", "grid"), paths=paths, limit=800)


@get("/organizations", include_in_schema=False)
async def org_list(
    principal: NamedDependency[Principal],
    paging: NamedDependency[PageRequest],
    kind: FromQuery[str | None] = None,
    area_id: FromQuery[int | None] = None,
    q: FromQuery[str | None] = None,
) -> Template:
    page = await service.list_organizations(
        principal, paging, kind=kind if kind in KINDS else None, area_id=area_id, q=q or None
    )
    base = "/organizations?" + "&".join(f"{k}={v}" for k, v in (("kind", kind), ("area_id", area_id), ("q", q)) if v)
    return render(
        "orgs/list.html",
        principal,
        page=page,
        kinds=KINDS,
        kind=kind or "",
        area_id=area_id or "",
        q=q or "",
        base=base,
        can_create=principal.has_role("county_admin", "street_admin", "community_admin"),
    )


async def _detail(
    principal: Principal, org_id: int, *, status_code: int = 200, errors: dict | None = None, form: dict | None = None
) -> Template:
    row = await service.visible_row(principal, org_id)
    org = service.to_out(principal, row)
    registrations = await service.list_registrations(principal, org_id, PageRequest(limit=200))
    roster = [r for r in registrations.items if r.community_id == org_id]
    own = [r for r in registrations.items if r.community_id != org_id]
    may_register = org.kind in UNIT_KINDS and (
        principal.acts_for(org_id, UNIT_ROLES)
        or principal.has_role("county_admin", "street_admin", "community_admin", "community_staff")
    )
    return render(
        "orgs/detail.html",
        principal,
        status_code=status_code,
        org=org,
        roster=roster,
        own=own,
        members=await service.list_members(principal, org_id),
        can_edit=service.can_edit(principal, row),
        may_end={r.id for r in roster if service.may_end(principal, r.account_id, r.organization_id, row)},
        may_register=may_register,
        communities=await service.communities_for_choice(principal) if may_register else [],
        errors=errors or {},
        form=form or {},
    )


@get("/organizations/{org_id:int}", include_in_schema=False)
async def org_detail(principal: NamedDependency[Principal], org_id: FromPath[int]) -> Template:
    return await _detail(principal, org_id)


@get("/organizations/new", include_in_schema=False)
async def org_new(principal: NamedDependency[Principal]) -> Template:
    service.require_creator(principal)
    return render("orgs/form.html", principal, org=None, form={}, kinds=KINDS, areas=await _area_choices(principal))


@post("/organizations/new", include_in_schema=False)
async def org_create(request: Request, principal: NamedDependency[Principal]) -> Template | Redirect:
    raw = await form_data(request)
    try:
        created = await service.create_organization(principal, convert_form(raw, OrganizationIn))
    except DomainError as exc:
        return render(
            "orgs/form.html",
            principal,
            status_code=exc.status,
            org=None,
            form=raw,
            kinds=KINDS,
            areas=await _area_choices(principal),
            errors=form_errors(exc),
        )
    return redirect(f"/organizations/{created.id}")


@get("/organizations/{org_id:int}/edit", include_in_schema=False)
async def org_edit(principal: NamedDependency[Principal], org_id: FromPath[int]) -> Template:
    await service.editable_row(principal, org_id)
    org = await service.get_organization(principal, org_id)
    form = {**msgspec.structs.asdict(org), "contact_phone": "" if org.contact_phone_masked else org.contact_phone}
    return render("orgs/form.html", principal, org=org, form=form, kinds=KINDS, areas=await _area_choices(principal))


@post("/organizations/{org_id:int}/edit", include_in_schema=False)
async def org_update(
    request: Request, principal: NamedDependency[Principal], org_id: FromPath[int]
) -> Template | Redirect:
    raw = await form_data(request)
    await service.editable_row(principal, org_id)  # a refusal is a refusal, not the form again
    org = await service.get_organization(principal, org_id)
    try:
        fields = {k: v for k, v in raw.items() if k in EDITABLE}
        if org.contact_phone_masked and not fields.get("contact_phone"):
            fields.pop("contact_phone", None)  # left blank: keep the phone the caller can't see
        patch = convert_form(fields, OrganizationPatch)
        blanks = {k: "" for k in ("contact_name", "contact_phone", "description") if k in fields and fields[k] == ""}
        if blanks:
            patch = msgspec.structs.replace(patch, **blanks)
        await service.update_organization(principal, org_id, patch)
    except DomainError as exc:
        return render(
            "orgs/form.html",
            principal,
            status_code=exc.status,
            org=org,
            form=raw,
            kinds=KINDS,
            areas=await _area_choices(principal),
            errors=form_errors(exc),
        )
    return redirect(f"/organizations/{org_id}")


@post("/organizations/{org_id:int}/register", include_in_schema=False)
async def org_register(
    request: Request, principal: NamedDependency[Principal], org_id: FromPath[int]
) -> Template | Redirect:
    raw = await form_data(request)
    try:
        await service.register(principal, org_id, convert_form({**raw, "kind": "unit"}, RegistrationIn))
    except DomainError as exc:
        return await _detail(principal, org_id, status_code=exc.status, errors=form_errors(exc), form=raw)
    return redirect(f"/organizations/{org_id}")


@post("/registrations/{registration_id:int}/end", include_in_schema=False)
async def registration_end(
    request: Request, principal: NamedDependency[Principal], registration_id: FromPath[int]
) -> Redirect:
    raw = await form_data(request)
    reg = await service.end_registration(principal, registration_id)
    back = raw.get("back")
    if back == "me":  # ended from the member's own account page
        return redirect("/accounts/me")
    target = reg.community_id if str(back) == str(reg.community_id) else (reg.organization_id or reg.community_id)
    return redirect(f"/organizations/{target}")


ROUTES = [org_list, org_detail, org_new, org_create, org_edit, org_update, org_register, registration_end]
NAV = [NavItem("Organisations", "/organizations", STAFF_ROLES | UNIT_ROLES, order=20)]


def _org_kind_option(kind: str) -> tuple[str, str]:
    return kind, gettext(kind)


def _area_option(area: dict[str, Any]) -> tuple[int, str]:
    depth = max(area["path"].count("/") - 2, 0)
    return area["id"], f"{'· ' * depth}{area['name']} ({gettext(area['level'])})"


def _id_name_options(rows: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(r["id"], r["name"]) for r in rows]


TEMPLATE_FILTERS = [
    ("org_kind_option", _org_kind_option),
    ("area_option", _area_option),
    ("id_name_options", _id_name_options),
]
