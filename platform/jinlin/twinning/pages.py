"""结对帮扶 pages: community profiles with the weakness index (薄弱指数) and its parts, helper profiles
(帮扶能力), the pairs of a twinning run with their reasons, accept/decline/end, the blind rating at the end
of a period, and the active pairs on home pages and organisation pages (fragments)."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from jinlin.auth.principal import STAFF_ROLES, UNIT_ROLES, Principal
from jinlin.core.errors import DomainError, NotFound
from jinlin.core.nav import NavItem
from jinlin.core.pages import convert_form, form_data, form_errors, redirect, render
from jinlin.core.pagination import PageRequest
from jinlin.twinning import rating, service, weakness
from jinlin.twinning.schemas import CommunityProfileIn, HelperProfileIn, TwinningRatingIn

STATUSES = ["proposed", "active", "ended", "declined"]
ACTIONS = {"accept": service.accept_twinning, "decline": service.decline_twinning, "end": service.end_twinning}
TWINNING_STAFF = service.TWINNING_STAFF


@get("/twinnings", include_in_schema=False)
async def twinnings_list(
    principal: NamedDependency[Principal],
    paging: NamedDependency[PageRequest],
    status: FromQuery[str | None] = None,
    run_id: FromQuery[int | None] = None,
    period: FromQuery[int | None] = None,
) -> Template:
    page = await service.list_twinnings(
        principal, paging, status=status if status in STATUSES else None, run_id=run_id, period=period
    )
    query = "&".join(f"{k}={v}" for k, v in (("status", status), ("run_id", run_id), ("period", period)) if v)
    return render(
        "twinning/list.html",
        principal,
        page=page,
        statuses=STATUSES,
        status=status or "",
        run_id=run_id,
        query=query,
        may_decide=principal.has_role(*TWINNING_STAFF),
    )


@get("/twinnings/{twinning_id:int}", include_in_schema=False)
async def twinning_detail(principal: NamedDependency[Principal], twinning_id: FromPath[int]) -> Template:
    return await _detail(principal, twinning_id)


async def _detail(
    principal: Principal, twinning_id: int, *, errors: dict[str, str] | None = None, status_code: int = 200
) -> Template:
    twinning, may_decide = await service.twinning_page(principal, twinning_id)
    ratings = await rating.twinning_ratings(principal, twinning_id)
    return render(
        "twinning/detail.html",
        principal,
        status_code=status_code,
        t=twinning,
        may_decide=may_decide,
        ratings=ratings,
        errors=errors or {},
    )


@post("/twinnings/{twinning_id:int}/rate", include_in_schema=False)
async def twinning_rate(
    principal: NamedDependency[Principal], request: Request, twinning_id: FromPath[int]
) -> Template | Redirect:
    form = await form_data(request)
    try:
        await rating.rate_twinning(principal, twinning_id, convert_form(form, TwinningRatingIn))
    except DomainError as exc:
        return await _detail(principal, twinning_id, errors=form_errors(exc), status_code=exc.status)
    return redirect(f"/twinnings/{twinning_id}")


@post("/twinnings/{twinning_id:int}/{action:str}", include_in_schema=False)
async def twinning_action(
    principal: NamedDependency[Principal], request: Request, twinning_id: FromPath[int], action: FromPath[str]
) -> Template | Redirect:
    fn = ACTIONS.get(action)
    if fn is None:
        raise NotFound("No such action")
    form = await form_data(request)
    await fn(principal, twinning_id)
    back = str(form.get("back") or "")
    return redirect(back if back.startswith("/twinnings") else f"/twinnings/{twinning_id}")


@get("/twinning/profiles", include_in_schema=False)
async def profiles(principal: NamedDependency[Principal]) -> Template:
    return render(
        "twinning/profiles.html", principal, profiles=await service.profiles_overview(principal), labels=weakness.LABELS
    )


async def _community(
    principal: Principal,
    community_id: int,
    *,
    values: dict | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    profile, can_edit = await service.community_profile_page(principal, community_id)
    return render(
        "twinning/community_profile.html",
        principal,
        status_code=status_code,
        profile=profile,
        can_edit=can_edit,
        values=values or profile,
        errors=errors or {},
        labels=weakness.LABELS,
        weights=weakness.WEIGHTS,
    )


@get("/communities/{community_id:int}/profile", include_in_schema=False)
async def community_profile(principal: NamedDependency[Principal], community_id: FromPath[int]) -> Template:
    return await _community(principal, community_id)


@post("/communities/{community_id:int}/profile", include_in_schema=False)
async def community_profile_save(
    principal: NamedDependency[Principal], request: Request, community_id: FromPath[int]
) -> Template | Redirect:
    form = await form_data(request)
    try:
        await service.put_community_profile(principal, community_id, convert_form(form, CommunityProfileIn))
    except DomainError as exc:
        return await _community(principal, community_id, values=form, errors=form_errors(exc), status_code=exc.status)
    return redirect(f"/communities/{community_id}/profile")


async def _helper(
    principal: Principal,
    org_id: int,
    *,
    values: dict | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    profile, can_edit = await service.helper_profile_page(principal, org_id)
    return render(
        "twinning/helper_profile.html",
        principal,
        status_code=status_code,
        profile=profile,
        can_edit=can_edit,
        values=values or profile,
        errors=errors or {},
    )


@get("/helpers/{org_id:int}/profile", include_in_schema=False)
async def helper_profile(principal: NamedDependency[Principal], org_id: FromPath[int]) -> Template:
    return await _helper(principal, org_id)


@post("/helpers/{org_id:int}/profile", include_in_schema=False)
async def helper_profile_save(
    principal: NamedDependency[Principal], request: Request, org_id: FromPath[int]
) -> Template | Redirect:
    form = await form_data(request)
    try:
        await service.put_helper_profile(principal, org_id, convert_form(form, HelperProfileIn))
    except DomainError as exc:
        return await _helper(principal, org_id, values=form, errors=form_errors(exc), status_code=exc.status)
    return redirect(f"/helpers/{org_id}/profile")


@get("/organizations/{org_id:int}/twinnings", include_in_schema=False)
async def org_twinnings(principal: NamedDependency[Principal], org_id: FromPath[int]) -> Template:
    """The active (and proposed) pairs of one organisation, as a fragment for its page or a home panel."""
    page = await service.list_twinnings(principal, PageRequest(limit=20), organization_id=org_id)
    items = [t for t in page.items if t.status in ("active", "proposed")]
    return render("twinning/_org_pairs.html", principal, items=items, org_id=org_id)


ROUTES = [
    twinnings_list,
    twinning_detail,
    twinning_rate,
    twinning_action,
    profiles,
    community_profile,
    community_profile_save,
    helper_profile,
    helper_profile_save,
    org_twinnings,
]
NAV = [
    NavItem("Twinning", "/twinnings", STAFF_ROLES | UNIT_ROLES, order=42),
    NavItem("Community profiles", "/twinning/profiles", STAFF_ROLES, order=43),
]
PANELS = [("community", "twinning/panel.html"), ("unit", "twinning/panel.html"), ("area", "twinning/panel.html")]
ORG_PANELS = [(kind, "twinning/_org_section.html") for kind in sorted(service.HELPER_KINDS)]


def _share(value: float | None) -> str:
    return f"{round((value or 0) * 100)}%"


TEMPLATE_FILTERS = [("share", _share)]
