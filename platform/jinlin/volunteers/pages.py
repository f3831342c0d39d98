"""志愿者 pages: registering (phone first), my shifts and hours, the certificate, volunteer teams."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from jinlin.activities import roster
from jinlin.activities.service import my_signups
from jinlin.areas.tables import Area
from jinlin.auth.api import session_cookie
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.errors import DomainError, Invalid
from jinlin.core.http import LOCALE_COOKIE, client_address
from jinlin.core.nav import NavItem
from jinlin.core.pages import form_data, form_errors, form_list, redirect, render
from jinlin.orgs.tables import Organization
from jinlin.volunteers import service
from jinlin.volunteers.schemas import RegisterIn

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


async def _register_form(form: dict | None = None, errors: dict | None = None, status_code: int = 200) -> Template:
    communities = await Organization.select(Organization.id, Organization.name).where(
        Organization.kind == "community").order_by(Organization.name).limit(500)
    areas = await Area.select(Area.id, Area.name, Area.level).where(Area.level.is_in(["street", "community"])) \
        .order_by(Area.path).limit(500)
    return render("volunteers/register.html", None, form=form or {}, errors=errors or {}, communities=communities,
                  areas=areas, weekdays=WEEKDAYS, status_code=status_code)


@get("/volunteers/register", include_in_schema=False)
async def register_form() -> Template:
    return await _register_form()


def _register_in(form: dict[str, Any]) -> RegisterIn:
    availability = []
    start, end = str(form.get("free_start") or "09:00"), str(form.get("free_end") or "17:00")
    for day in form_list(form.get("free_days")):
        availability.append({"weekday": int(day), "start": start, "end": end})
    skills = [s.strip() for s in str(form.get("skills", "")).replace("，", ",").split(",") if s.strip()]
    raw = {
        "username": str(form.get("username", "")).strip(), "password": str(form.get("password", "")),
        "display_name": str(form.get("display_name", "")).strip(), "phone": str(form.get("phone", "")).strip(),
        "skills": skills, "availability": availability,
        "area_ids": [int(a) for a in form_list(form.get("area_ids"))],
        "party_member": bool(form.get("party_member")),
        "community_id": int(form["community_id"]) if form.get("community_id") else None,
    }
    try:
        return msgspec.convert(raw, RegisterIn)
    except msgspec.ValidationError as exc:
        message = str(exc)
        field = message.partition(" - at `$.")[2].rstrip("`").split("[")[0] or "_form"
        raise Invalid("Check the highlighted fields", {field: message.partition(" - at ")[0]}) from exc


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


@get("/my/shifts", include_in_schema=False)
async def my_shifts(principal: NamedDependency[Principal]) -> Template:
    now = clock.now()
    signups = [s for s in await my_signups(principal) if s["status"] != "cancelled"]
    upcoming = [s for s in signups if s["ends_at"] > now and s["status"] not in ("completed", "no_show")]
    history = [s for s in reversed(signups) if s not in upcoming]
    hours = await service.volunteer_hours(principal, principal.account_id)
    return render("volunteers/my.html", principal, upcoming=upcoming, history=history, hours=hours,
                  invitations=await roster.my_invitations(principal))


@get("/volunteers/{volunteer_id:int}/certificate", include_in_schema=False)
async def certificate(principal: NamedDependency[Principal], volunteer_id: FromPath[int],
                      year: FromQuery[int | None] = None) -> Template:
    data = await service.certificate(principal, volunteer_id, year)
    return render("volunteers/certificate.html", principal, **data)


@get("/volunteers/teams", include_in_schema=False)
async def teams(principal: NamedDependency[Principal]) -> Template:
    rows = await Organization.select(Organization.id, Organization.name, Organization.area.name.as_alias("area")) \
        .where(Organization.kind == "volunteer_team").order_by(Organization.name).limit(300)
    requests = await service.list_join_requests(principal, None)
    return render("volunteers/teams.html", principal, teams=rows, requests=requests,
                  member_of=principal.org_ids(), leads=principal.org_ids(frozenset({"team_leader"})))


@post("/volunteers/teams/{team_id:int}/join", include_in_schema=False)
async def team_join(principal: NamedDependency[Principal], team_id: FromPath[int]) -> Redirect:
    await service.request_to_join(principal, team_id)
    return redirect("/volunteers/teams")


@post("/volunteers/team-requests/{request_id:int}/{decision:str}", include_in_schema=False)
async def team_decide(principal: NamedDependency[Principal], request_id: FromPath[int],
                      decision: FromPath[str]) -> Redirect:
    await service.decide_join(principal, request_id, approve=decision == "approve")
    return redirect("/volunteers/teams")


def year_of(value: datetime) -> int:
    return value.astimezone(service.LOCAL).year


ROUTES = [register_form, register_submit, my_shifts, certificate, teams, team_join, team_decide]
NAV = [NavItem("My shifts and hours", "/my/shifts", frozenset(), order=31),
       NavItem("Volunteer teams", "/volunteers/teams", frozenset(), order=32)]
