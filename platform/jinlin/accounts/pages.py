"""Account pages: the list an administrator manages, creating an account with a role, editing one,
and everyone's own settings (name, language, phone, password)."""

from __future__ import annotations

from typing import Any, cast

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from jinlin.accounts import service
from jinlin.accounts.schemas import AccountIn, AccountPatch, MembershipIn, RoleName
from jinlin.accounts.tables import Role  # the role vocabulary (an enum), not a table
from jinlin.auth.principal import Principal
from jinlin.core.errors import DomainError, Invalid
from jinlin.core.i18n import gettext
from jinlin.core.nav import NavItem
from jinlin.core.pages import convert_form, form_data, form_errors, redirect, render
from jinlin.core.pagination import PageRequest
from jinlin.orgs import service as orgs_service

MANAGERS = frozenset({"county_admin", "street_admin", "community_admin", "unit_liaison"})
ROLES = [r.value for r in Role]


async def _org_choices(principal: Principal) -> list[dict[str, Any]]:
    return await service.grantable_organizations(principal)


def _membership(raw: dict[str, Any]) -> list[MembershipIn]:
    org, role = str(raw.get("organization_id") or ""), str(raw.get("role") or "")
    if not org and not role:
        return []
    try:
        return [msgspec.convert({"organization_id": org, "role": role}, MembershipIn, strict=False)]
    except msgspec.ValidationError as exc:
        field = "organization_id" if "organization_id" in str(exc) else "role"
        raise Invalid("Check the highlighted fields", {field: "required"}) from exc


@get("/accounts", include_in_schema=False)
async def account_list(
    principal: NamedDependency[Principal], paging: NamedDependency[PageRequest], q: FromQuery[str | None] = None
) -> Template:
    page = await service.list_accounts(principal, paging, q=q or None)
    return render(
        "accounts/list.html",
        principal,
        page=page,
        q=q or "",
        base=f"/accounts?q={q or ''}",
        can_create=principal.has_role(*MANAGERS),
    )


@get("/accounts/me", include_in_schema=False)
async def account_me(principal: NamedDependency[Principal]) -> Redirect:
    return redirect(f"/accounts/{principal.account_id}")


@get("/accounts/new", include_in_schema=False)
async def account_new(principal: NamedDependency[Principal]) -> Template:
    service.require_granter(principal)
    return render(
        "accounts/new.html", principal, form={"locale": "zh_CN"}, orgs=await _org_choices(principal), roles=ROLES
    )


@post("/accounts/new", include_in_schema=False)
async def account_create(request: Request, principal: NamedDependency[Principal]) -> Template | Redirect:
    raw = await form_data(request)
    try:
        fields = {k: v for k, v in raw.items() if k in ("username", "password", "display_name", "locale", "phone")}
        data = convert_form(fields, AccountIn)
        data = msgspec.structs.replace(data, memberships=_membership(raw))
        created = await service.create_account_by(principal, data)
    except DomainError as exc:
        errors = form_errors(exc)
        for key in list(errors):  # memberships[0].role → role, next to its field
            if key.startswith("memberships"):
                errors[key.rpartition(".")[2] if "." in key else "role"] = errors.pop(key)
        return render(
            "accounts/new.html",
            principal,
            status_code=exc.status,
            form={**raw, "password": ""},
            orgs=await _org_choices(principal),
            roles=ROLES,
            errors=errors,
        )
    return redirect(f"/accounts/{created.id}")


async def _edit_page(principal: Principal, account_id: int, **extra: Any) -> Template:
    account = await service.get_account(principal, account_id)
    extra.setdefault("form", msgspec.structs.asdict(account))
    return render(
        "accounts/edit.html",
        principal,
        account=account,
        is_self=account_id == principal.account_id,
        registrations=await orgs_service.my_registrations(principal) if account_id == principal.account_id else [],
        orgs=await _org_choices(principal),
        roles=ROLES,
        **extra,
    )


@get("/accounts/{account_id:int}", include_in_schema=False)
async def account_edit(principal: NamedDependency[Principal], account_id: FromPath[int]) -> Template:
    return await _edit_page(principal, account_id)


@post("/accounts/{account_id:int}", include_in_schema=False)
async def account_update(
    request: Request, principal: NamedDependency[Principal], account_id: FromPath[int]
) -> Template | Redirect:
    raw = await form_data(request)
    try:
        fields = {
            k: v for k, v in raw.items() if k in ("display_name", "locale", "phone", "password", "current_password")
        }
        patch = convert_form(fields, AccountPatch)
        blanks: dict[str, Any] = {k: "" for k in ("display_name", "phone") if k in raw and raw[k] == ""}
        if "active" in raw:
            blanks["active"] = raw["active"] == "1"
        if raw.get("organization_id") or raw.get("role"):
            current = await service.get_account(principal, account_id)
            kept = [MembershipIn(m.organization_id, cast(RoleName, m.role)) for m in current.memberships]
            blanks["memberships"] = kept + _membership(raw)
        if raw.get("remove"):
            org_id, _, role = str(raw["remove"]).partition(":")
            current = await service.get_account(principal, account_id)
            blanks["memberships"] = [
                MembershipIn(m.organization_id, cast(RoleName, m.role))  # stored roles were checked on the way in
                for m in current.memberships
                if not (str(m.organization_id) == org_id and m.role == role)
            ]
        if blanks:
            patch = msgspec.structs.replace(patch, **blanks)
        await service.update_account(principal, account_id, patch)
    except DomainError as exc:
        return await _edit_page(
            principal,
            account_id,
            status_code=exc.status,
            errors=form_errors(exc),
            form={**raw, "password": "", "current_password": ""},
        )
    return await _edit_page(principal, account_id, flash_saved=True)


ROUTES = [account_list, account_me, account_new, account_create, account_edit, account_update]
NAV = [
    NavItem("Accounts", "/accounts", MANAGERS, order=30),
    NavItem("My account", "/accounts/me", frozenset(), order=95),
]


def _role_option(role: str) -> tuple[str, str]:
    return role, gettext(role)


TEMPLATE_FILTERS = [("role_option", _role_option)]
