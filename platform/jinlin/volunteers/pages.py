"""志愿者 pages: registering (phone first), my shifts and hours, the certificate, volunteer teams."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from jinlin.activities import ratings, roster
from jinlin.activities.pages import rating_from_form
from jinlin.activities.service import my_signups
from jinlin.areas.choices import area_options
from jinlin.auth.api import session_cookie
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.errors import DomainError
from jinlin.core.http import LOCALE_COOKIE, client_address
from jinlin.core.nav import NavItem
from jinlin.core.pages import convert_form, form_data, form_errors, form_list, redirect, render
from jinlin.orgs import service as orgs_service
from jinlin.volunteers import service
from jinlin.volunteers.api import xlsx_response
from jinlin.volunteers.schemas import HonoraryIn, RegisterIn

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


async def _register_form(form: dict | None = None, errors: dict | None = None, status_code: int = 200) -> Template:
    communities = await orgs_service.organizations_of_kind("community", limit=500)
    areas = await area_options()
    return render(
        "volunteers/register.html",
        None,
        form=form or {},
        errors=errors or {},
        communities=communities,
        areas=areas,
        weekdays=WEEKDAYS,
        status_code=status_code,
    )


@get("/volunteers/register", include_in_schema=False)
async def register_form() -> Template:
    return await _register_form()


def _register_in(form: dict[str, Any]) -> RegisterIn:
    """The registration form decoded like the API's RegisterIn (free days become weekly free time)."""
    start, end = str(form.get("free_start") or "09:00"), str(form.get("free_end") or "17:00")
    raw = {
        k: form.get(k) for k in ("username", "password", "display_name", "phone", "skills", "area_ids", "community_id")
    }
    raw["availability"] = [{"weekday": day, "start": start, "end": end} for day in form_list(form.get("free_days"))]
    raw["party_member"] = bool(form.get("party_member"))
    return convert_form(raw, RegisterIn)


@post("/volunteers/register", include_in_schema=False)
async def register_submit(request: Request) -> Template | Redirect:
    form = await form_data(request)
    try:
        token, _ = await service.register(_register_in(form), client_address(request))
    except DomainError as exc:
        form.pop("password", None)
        return await _register_form(form, form_errors(exc), exc.status)
    response = redirect("/activities")
    response.cookies.append(session_cookie(token))
    response.cookies.append(Cookie(key=LOCALE_COOKIE, value="zh_CN", path="/", samesite="lax"))
    return response


async def _my_shifts(principal: Principal, *, rating_errors: dict | None = None, status_code: int = 200) -> Template:
    now = clock.now()
    signups = [s for s in await my_signups(principal) if s["status"] != "cancelled"]
    upcoming = [s for s in signups if s["ends_at"] > now and s["status"] not in ("completed", "no_show")]
    history = [s for s in reversed(signups) if s not in upcoming]
    hours = await service.volunteer_hours(principal, principal.account_id)
    rated = {s["id"]: await ratings.signup_ratings(principal, s["id"]) for s in history if s["status"] == "completed"}
    return render(
        "volunteers/my.html",
        principal,
        upcoming=upcoming,
        history=history,
        hours=hours,
        invitations=await roster.my_invitations(principal),
        ratings=rated,
        rating_errors=rating_errors or {},
        status_code=status_code,
    )


@get("/my/shifts", include_in_schema=False)
async def my_shifts(principal: NamedDependency[Principal]) -> Template:
    return await _my_shifts(principal)


@post("/my/signups/{signup_id:int}/rating", include_in_schema=False)
async def volunteer_rates(
    request: Request, principal: NamedDependency[Principal], signup_id: FromPath[int]
) -> Template | Redirect:
    """The volunteer rates the organiser of a completed shift (blind until both sides have rated)."""
    form = await form_data(request)
    try:
        await ratings.rate_signup(principal, signup_id, rating_from_form(form), side="volunteer")
    except DomainError as exc:
        return await _my_shifts(principal, rating_errors={signup_id: form_errors(exc)}, status_code=exc.status)
    return redirect(f"/my/shifts#signup-{signup_id}")


# -- hours and honorary hours (荣誉时长) ------------------------------------------------------


async def _hours_page(
    principal: Principal,
    volunteer_id: int,
    *,
    form: dict | None = None,
    errors: dict | None = None,
    status_code: int = 200,
) -> Template:
    hours = await service.volunteer_hours(principal, volunteer_id)
    return render(
        "volunteers/hours.html",
        principal,
        hours=hours,
        form=form or {},
        errors=errors or {},
        can_add=await service.may_add_honorary(principal, volunteer_id),
        today=clock.now().astimezone(service.LOCAL).date().isoformat(),
        status_code=status_code,
    )


@get("/volunteers/{volunteer_id:int}/hours", include_in_schema=False)
async def hours_page(principal: NamedDependency[Principal], volunteer_id: FromPath[int]) -> Template:
    return await _hours_page(principal, volunteer_id)


def _honorary_in(form: dict[str, Any]) -> HonoraryIn:
    """A date picker's day counts from noon China time (so it stays that day in every zone)."""
    day = str(form.get("served_on") or "").strip()
    return convert_form(
        {"hours": form.get("hours"), "reason": form.get("reason"), "served_on": f"{day}T12:00" if day else None},
        HonoraryIn,
    )


@post("/volunteers/{volunteer_id:int}/hours", include_in_schema=False)
async def honorary_submit(
    request: Request, principal: NamedDependency[Principal], volunteer_id: FromPath[int]
) -> Template | Redirect:
    """An administrator adds honorary hours (荣誉时长) with a reason."""
    form = await form_data(request)
    try:
        await service.add_honorary_hours(principal, volunteer_id, _honorary_in(form))
    except DomainError as exc:
        return await _hours_page(principal, volunteer_id, form=form, errors=form_errors(exc), status_code=exc.status)
    return redirect(f"/volunteers/{volunteer_id}/hours")


@get("/volunteers/{volunteer_id:int}/certificate", include_in_schema=False)
async def certificate(
    principal: NamedDependency[Principal], volunteer_id: FromPath[int], year: FromQuery[int | None] = None
) -> Template:
    data = await service.certificate(principal, volunteer_id, year)
    return render("volunteers/certificate.html", principal, **data)


@get("/volunteers/teams", include_in_schema=False)
async def teams(principal: NamedDependency[Principal]) -> Template:
    rows = await orgs_service.organizations_of_kind("volunteer_team", limit=300)
    requests = await service.list_join_requests(principal, None)
    return render(
        "volunteers/teams.html",
        principal,
        teams=rows,
        requests=requests,
        member_of=principal.org_ids(),
        leads=principal.org_ids(frozenset({"team_leader"})),
    )


@post("/volunteers/teams/{team_id:int}/join", include_in_schema=False)
async def team_join(principal: NamedDependency[Principal], team_id: FromPath[int]) -> Redirect:
    await service.request_to_join(principal, team_id)
    return redirect("/volunteers/teams")


@post("/volunteers/team-requests/{request_id:int}/{decision:str}", include_in_schema=False)
async def team_decide(
    principal: NamedDependency[Principal], request_id: FromPath[int], decision: FromPath[str]
) -> Redirect:
    await service.decide_join(principal, request_id, approve=decision == "approve")
    return redirect("/volunteers/teams")


def year_of(value: datetime) -> int:
    return value.astimezone(service.LOCAL).year


@get("/volunteers/{volunteer_id:int}/hours.xlsx", include_in_schema=False)
async def hours_download(principal: NamedDependency[Principal], volunteer_id: FromPath[int]) -> Response[bytes]:
    """The page's own download (its session cookie), beside the API's bearer-token one."""
    return xlsx_response(
        await service.export_volunteer_hours(principal, volunteer_id), f"volunteer-{volunteer_id}-hours.xlsx"
    )


@get("/volunteers/hours.xlsx", include_in_schema=False)
async def organization_hours_download(
    principal: NamedDependency[Principal], organization_id: FromQuery[int]
) -> Response[bytes]:
    return xlsx_response(
        await service.export_organization_hours(principal, organization_id),
        f"organization-{organization_id}-hours.xlsx",
    )


ROUTES = [
    register_form,
    register_submit,
    my_shifts,
    volunteer_rates,
    hours_page,
    honorary_submit,
    certificate,
    teams,
    team_join,
    team_decide,
    hours_download,
    organization_hours_download,
]
NAV = [
    NavItem("My shifts and hours", "/my/shifts", frozenset(), order=31),
    NavItem("Volunteer teams", "/volunteers/teams", frozenset(), order=32),
]
