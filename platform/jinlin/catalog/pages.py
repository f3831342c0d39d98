"""The county's colour policy page (分色 and 限时办结), edited by county admins."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.response import Template

from jinlin.auth.principal import Principal
from jinlin.catalog import service
from jinlin.catalog.codes import COLOURS
from jinlin.catalog.service import PolicyIn
from jinlin.core.errors import DomainError, Forbidden
from jinlin.core.nav import NavItem
from jinlin.core.pages import convert_form, form_data, form_errors, render


def _county(principal: Principal) -> int:
    for m in principal.memberships:
        if m.role == "county_admin":
            return int(m.area_path.strip("/").split("/")[0])
    raise Forbidden("Only county admins edit the colour policy")


def _values(policy: service.Policy) -> dict[str, int]:
    values = {f"{c}_{k}_hours": policy.hours[c][i] for c in COLOURS for i, k in enumerate(("respond", "resolve"))}
    return {**values, "rating_window_days": policy.rating_window_days}


@get("/colour-policy", include_in_schema=False)
async def policy_form(principal: NamedDependency[Principal]) -> Template:
    county_id = _county(principal)
    return render(
        "catalog/policy.html",
        principal,
        values=_values(await service.policy_for_county(county_id)),
        colours=COLOURS,
        saved=False,
    )


@post("/colour-policy", include_in_schema=False)
async def policy_submit(principal: NamedDependency[Principal], request: Request) -> Template:
    county_id = _county(principal)
    form = await form_data(request)
    try:
        policy = await service.update_policy(principal, county_id, convert_form(form, PolicyIn))
    except DomainError as exc:
        return render(
            "catalog/policy.html",
            principal,
            status_code=exc.status,
            errors=form_errors(exc),
            values=form,
            colours=COLOURS,
            saved=False,
        )
    return render("catalog/policy.html", principal, values=_values(policy), colours=COLOURS, saved=True)


ROUTES = [policy_form, policy_submit]
NAV = [NavItem("Colour policy", "/colour-policy", frozenset({"county_admin"}), order=80)]
