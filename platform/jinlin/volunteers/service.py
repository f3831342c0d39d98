"""志愿者 rules: self-registration, profiles (phone masking), joining teams, hours and certificates.

Who sees a volunteer (PIPL: those whose duty needs it, docs/security.md): the volunteer, organisers of
shifts they are on, leaders of their teams, county admins, and staff of an area the volunteer belongs to
(``volunteer_area_paths``: their organisations, activities they signed up for, areas they chose, the
community they reported to). Others get 404. The phone is shown in full only to the volunteer, their
organisers and team leaders; staff who see the profile see it masked. Recorded hours (积分时长, verified from shifts) and honorary
hours (荣誉时长, added by an administrator) are summed apart.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import msgspec
from piccolo.columns.combination import Combinable

from jinlin.accounts.service import create_account
from jinlin.accounts.tables import Account, Membership
from jinlin.activities.service import ORGANISER_ROLES
from jinlin.activities.tables import HoursRecord, Signup
from jinlin.areas.tables import Area
from jinlin.audit.service import record
from jinlin.auth import service as auth
from jinlin.auth.principal import AREA_ADMIN_ROLES, STAFF_ROLES, Principal
from jinlin.core import clock, ratelimit
from jinlin.core.db import write_transaction
from jinlin.core.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited, WrongStatus
from jinlin.core.security import mask_phone
from jinlin.core.tabular import write_xlsx
from jinlin.notifications.service import notify
from jinlin.orgs.tables import Organization, Registration
from jinlin.volunteers.profiles import LOCAL, _hhmm, free_windows, profile_row, shift_in_free_time
from jinlin.volunteers.schemas import (
    FreeTime,
    HonoraryIn,
    HoursOut,
    HoursRecordOut,
    JoinRequestOut,
    RegisterIn,
    VolunteerOut,
    YearHours,
)
from jinlin.volunteers.tables import TeamJoinRequest, VolunteerProfile

__all__ = ["free_windows", "profile_row", "shift_in_free_time"]  # kept importable from here


# -- registering -----------------------------------------------------------------------------


async def is_volunteer(principal: Principal) -> bool:
    return principal.has_role("volunteer") or await VolunteerProfile.exists().where(
        VolunteerProfile.account == principal.account_id
    )


async def _check_register(data: RegisterIn) -> None:
    errors: dict[str, str] = {}
    for i, p in enumerate(data.availability):
        if _hhmm(p.end) <= _hhmm(p.start):
            errors[f"availability[{i}]"] = "end must be after start"
    if data.area_ids:
        found = {r["id"] for r in await Area.select(Area.id).where(Area.id.is_in(data.area_ids))}
        if set(data.area_ids) - found:
            errors["area_ids"] = "no such area"
    if data.community_id is not None:
        org = await Organization.select(Organization.kind).where(Organization.id == data.community_id).first()
        if org is None or org["kind"] != "community":
            errors["community_id"] = "not a community"
    if data.party_member and data.community_id is None:
        errors["community_id"] = "a party member reports to a community (报到)"
    if errors:
        raise Invalid("Check the highlighted fields", errors)


# A family or an office registering together is fine; a script creating accounts is not.
REGISTRATIONS_PER_HOUR = 20


async def register(data: RegisterIn, address: str) -> tuple[str, int]:
    """志愿者注册: an account without memberships, its profile and (for party members) 报到.
    Returns a login token and the account id."""
    if not await ratelimit.allow(f"register:address:{address}", capacity=REGISTRATIONS_PER_HOUR, per_seconds=3600):
        raise RateLimited("Too many registrations from this address; try again later")
    await _check_register(data)
    now = clock.now()
    async with write_transaction():  # the account, its profile and 报到 land together or not at all
        account_id = await create_account(
            None,
            username=data.username,
            password=data.password,
            display_name=data.display_name,
            phone=data.phone,
            skills=sorted(set(data.skills)),
        )
        await VolunteerProfile.insert(
            VolunteerProfile(
                account=account_id,
                availability=msgspec.to_builtins(data.availability),
                preferred_area_ids=sorted(set(data.area_ids)),
                party_member=data.party_member,
                report_community=data.community_id,
                max_hours_per_week=data.max_hours_per_week,
                created_at=now,
                updated_at=now,
            )
        )
        if data.party_member and data.community_id is not None:
            await Registration.insert(
                Registration(
                    community=data.community_id,
                    kind="party_member",
                    account=account_id,
                    note="在职党员报到",
                    registered_at=now,
                )
            )
            await notify(
                kind="party_member_registered",
                title="{name} reported to your community (在职党员报到)",
                organization_id=data.community_id,
                params={"name": data.display_name},
                object_type="account",
                object_id=account_id,
            )
        await record(
            SimpleNamespace(account_id=account_id, username=data.username),
            "register",
            "volunteer",
            account_id,
            {"party_member": data.party_member, "community_id": data.community_id},
            summary=data.username,
        )
    token, _ = await auth.login(data.username, data.password, address)
    return token, account_id


# -- reading ---------------------------------------------------------------------------------


async def organises_for(principal: Principal, volunteer_id: int) -> bool:
    """Whether the caller organises (an activity with) a shift the volunteer is on."""
    orgs = list(principal.org_ids(ORGANISER_ROLES))
    if not orgs:
        return False
    return await Signup.exists().where(
        (Signup.volunteer == volunteer_id)
        & (Signup.status != "cancelled")
        & Signup.shift.activity.organizer.is_in(orgs)
    )


async def _team_ids(account_id: int) -> list[int]:
    rows = await Membership.select(Membership.organization).where(
        (Membership.account == account_id) & Membership.organization.kind.is_in(["volunteer_team"])
    )
    return [r["organization"] for r in rows]


async def leads_team_of(principal: Principal, volunteer_id: int) -> bool:
    leader_of = principal.org_ids(frozenset({"team_leader"}))
    return bool(leader_of & set(await _team_ids(volunteer_id)))


async def can_see(principal: Principal, volunteer_id: int) -> bool:
    """The volunteer's profile, hours and certificate: see the module's docstring for who and why."""
    if principal.account_id == volunteer_id or principal.is_county_admin:
        return True
    if await organises_for(principal, volunteer_id) or await leads_team_of(principal, volunteer_id):
        return True
    if not principal.is_staff:
        return False
    return any(principal.covers_area(p) for p in await volunteer_area_paths(volunteer_id))


async def get_volunteer(principal: Principal, volunteer_id: int) -> VolunteerOut:
    acc = await Account.select().where(Account.id == volunteer_id).first().output(load_json=True)
    if acc is None or not await can_see(principal, volunteer_id):
        raise NotFound("Volunteer not found")
    profile = await profile_row(volunteer_id) or {}
    full = (
        principal.account_id == volunteer_id
        or await organises_for(principal, volunteer_id)
        or await leads_team_of(principal, volunteer_id)
    )
    return VolunteerOut(
        id=acc["id"],
        username=acc["username"],
        display_name=acc["display_name"],
        phone=acc["phone"] if full else mask_phone(acc["phone"]),
        skills=list(acc["skills"] or []),
        availability=[FreeTime(**p) for p in profile.get("availability") or []],
        area_ids=list(profile.get("preferred_area_ids") or []),
        party_member=bool(profile.get("party_member")),
        community_id=profile.get("report_community"),
        max_hours_per_week=profile.get("max_hours_per_week"),
        teams=await _team_ids(volunteer_id),
    )


# -- teams -----------------------------------------------------------------------------------


def _join_out(r: dict[str, Any]) -> JoinRequestOut:
    return JoinRequestOut(
        id=r["id"],
        account_id=r["account"],
        display_name=r["account.display_name"],
        team_id=r["team"],
        team_name=r["team.name"],
        status=r["status"],
        note=r["note"],
        created_at=r["created_at"],
        decided_at=r["decided_at"],
    )


def _join_select():
    return TeamJoinRequest.select(
        *TeamJoinRequest.all_columns(),
        TeamJoinRequest.account.display_name.as_alias("account.display_name"),
        TeamJoinRequest.team.name.as_alias("team.name"),
    )


async def request_to_join(principal: Principal, team_id: int, note: str = "") -> JoinRequestOut:
    team = await Organization.select().where(Organization.id == team_id).first()
    if team is None or team["kind"] != "volunteer_team":
        raise NotFound("Volunteer team not found")
    async with write_transaction():
        if principal.acts_for(team_id):
            raise Conflict("You are already in this team", {"team": "already a member"}, code="duplicate")
        if await TeamJoinRequest.exists().where(
            (TeamJoinRequest.account == principal.account_id)
            & (TeamJoinRequest.team == team_id)
            & (TeamJoinRequest.status == "pending")
        ):
            raise Conflict("You have already asked to join", {"team": "request pending"}, code="duplicate")
        req = TeamJoinRequest(account=principal.account_id, team=team_id, note=note, created_at=clock.now())
        await req.save()
        await notify(
            kind="team_join_requested",
            title="{name} asks to join {team}",
            organization_id=team_id,
            params={"name": principal.display_name or principal.username, "team": team["name"]},
            link="/volunteers/team-requests",
            object_type="team_join_request",
            object_id=req.id,
        )
        await record(principal, "request_join", "team_join_request", req.id, {"team": team_id}, summary=team["name"])
    return _join_out(await _join_select().where(TeamJoinRequest.id == req.id).first())


async def list_join_requests(principal: Principal, status: str | None = "pending") -> list[JoinRequestOut]:
    """Requests to the teams the caller leads, and the caller's own requests."""
    led = list(principal.org_ids(frozenset({"team_leader"})))
    clause: Combinable = TeamJoinRequest.account == principal.account_id
    if led:
        clause = clause | TeamJoinRequest.team.is_in(led)
    query = _join_select().where(clause).order_by(TeamJoinRequest.id)
    if status:
        query = query.where(TeamJoinRequest.status == status)
    return [_join_out(r) for r in await query]


async def decide_join(principal: Principal, request_id: int, approve: bool) -> JoinRequestOut:
    req = await _join_select().where(TeamJoinRequest.id == request_id).first()
    if req is None or not (req["account"] == principal.account_id or principal.acts_for(req["team"])):
        raise NotFound("Request not found")
    if not principal.acts_for(req["team"], frozenset({"team_leader"})):
        raise Forbidden("Only the team leader decides")
    status = "approved" if approve else "rejected"
    async with write_transaction():
        done = (
            await TeamJoinRequest.update(
                {
                    TeamJoinRequest.status: status,
                    TeamJoinRequest.decided_at: clock.now(),
                    TeamJoinRequest.decided_by: principal.account_id,
                }
            )
            .where((TeamJoinRequest.id == request_id) & (TeamJoinRequest.status == "pending"))
            .returning(TeamJoinRequest.id)
        )
        if not done:
            raise WrongStatus("request", req["status"], "approve" if approve else "reject")
        if approve and not await Membership.exists().where(
            (Membership.account == req["account"]) & (Membership.organization == req["team"])
        ):
            await Membership.insert(
                Membership(account=req["account"], organization=req["team"], role="volunteer", created_at=clock.now())
            )
        await notify(
            kind=f"team_join_{status}",
            title="You joined {team}" if approve else "Your request to join {team} was declined",
            account_id=req["account"],
            params={"team": req["team.name"]},
            object_type="team_join_request",
            object_id=request_id,
        )
        await record(
            principal,
            status,
            "team_join_request",
            request_id,
            {"status": ["pending", status]},
            summary=req["team.name"],
        )
    return _join_out(await _join_select().where(TeamJoinRequest.id == request_id).first())


# -- hours -----------------------------------------------------------------------------------


def _h(minutes: int) -> float:
    return round(minutes / 60, 2)


async def hours_rows(volunteer_ids: list[int], organization_id: int | None = None) -> list[dict[str, Any]]:
    query = HoursRecord.select(
        *HoursRecord.all_columns(),
        HoursRecord.signup.shift.activity.id.as_alias("activity_id"),
        HoursRecord.signup.shift.activity.title.as_alias("activity_title"),
        HoursRecord.organization.name.as_alias("organization_name"),
        HoursRecord.account.display_name.as_alias("display_name"),
        HoursRecord.account.username.as_alias("username"),
    ).order_by(HoursRecord.served_on)
    if volunteer_ids:
        query = query.where(HoursRecord.account.is_in(volunteer_ids))
    if organization_id is not None:
        query = query.where(HoursRecord.organization == organization_id)
    return await query


def _record_out(r: dict[str, Any]) -> HoursRecordOut:
    return HoursRecordOut(
        id=r["id"],
        kind=r["kind"],
        hours=_h(r["minutes"]),
        served_on=r["served_on"],
        activity_id=r["activity_id"],
        activity_title=r["activity_title"] or "",
        organization_id=r["organization"],
        organization_name=r["organization_name"] or "",
        reason=r["reason"],
    )


async def volunteer_hours(principal: Principal, volunteer_id: int, year: int | None = None) -> HoursOut:
    acc = (
        await Account.select(Account.id, Account.display_name, Account.username)
        .where(Account.id == volunteer_id)
        .first()
    )
    if acc is None or not await can_see(principal, volunteer_id):
        raise NotFound("Volunteer not found")
    rows = await hours_rows([volunteer_id])
    by_year: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        by_year.setdefault(r["served_on"].astimezone(LOCAL).year, []).append(r)
    years = []
    for y in sorted(by_year, reverse=True):
        if year is not None and y != year:
            continue
        rs = by_year[y]
        years.append(
            YearHours(
                year=y,
                recorded_hours=_h(sum(r["minutes"] for r in rs if r["kind"] == "recorded")),
                honorary_hours=_h(sum(r["minutes"] for r in rs if r["kind"] == "honorary")),
                records=[_record_out(r) for r in rs],
            )
        )
    kept = [r for y in years for r in by_year[y.year]]
    return HoursOut(
        volunteer_id=volunteer_id,
        display_name=acc["display_name"] or acc["username"],
        recorded_hours=_h(sum(r["minutes"] for r in kept if r["kind"] == "recorded")),
        honorary_hours=_h(sum(r["minutes"] for r in kept if r["kind"] == "honorary")),
        years=years,
    )


async def volunteer_area_paths(volunteer_id: int) -> list[str]:
    """Where a volunteer belongs: their organisations' areas, the areas of activities they signed up for,
    their preferred areas and the community they reported to."""
    paths = [
        r["organization.area.path"]
        for r in await Membership.select(Membership.organization.area.path).where(Membership.account == volunteer_id)
    ]
    paths += [
        r["shift.activity.area.path"]
        for r in await Signup.select(Signup.shift.activity.area.path).where(Signup.volunteer == volunteer_id)
    ]
    profile = (
        await VolunteerProfile.select(VolunteerProfile.preferred_area_ids, VolunteerProfile.report_community.area.path)
        .where(VolunteerProfile.account == volunteer_id)
        .first()
        .output(load_json=True)
    )
    if profile is not None:
        if profile["report_community.area.path"]:
            paths.append(profile["report_community.area.path"])
        area_ids = [i for i in profile["preferred_area_ids"] or [] if isinstance(i, int)]
        if area_ids:
            paths += [r["path"] for r in await Area.select(Area.path).where(Area.id.is_in(area_ids))]
    return [p for p in paths if p]


async def may_add_honorary(principal: Principal, volunteer_id: int) -> bool:
    """Area admins whose area the volunteer belongs to, and the volunteer's team leader, add honorary hours;
    never the volunteer for themselves, and never to staff (two administrators cannot credit each other)."""
    if principal.account_id == volunteer_id:
        return False
    if await Membership.exists().where(
        (Membership.account == volunteer_id) & Membership.role.is_in(sorted(STAFF_ROLES))
    ):
        return False
    if await leads_team_of(principal, volunteer_id):
        return True
    if principal.is_county_admin:
        return True
    return any(principal.covers_area(p, AREA_ADMIN_ROLES) for p in await volunteer_area_paths(volunteer_id))


async def add_honorary_hours(principal: Principal, volunteer_id: int, data: HonoraryIn) -> HoursOut:
    """荣誉时长: administrators (area admins, the volunteer's team leader) add honorary hours with a reason."""
    if not await Account.exists().where(Account.id == volunteer_id):
        raise NotFound("Volunteer not found")
    if not await may_add_honorary(principal, volunteer_id):
        raise Forbidden("Only administrators add honorary hours")
    if data.organization_id is not None and not principal.acts_for(data.organization_id):
        raise Forbidden("You don't act for this organisation", {"organization_id": "not yours"})
    org_id = data.organization_id or (principal.primary.organization_id if principal.primary else None)
    now = clock.now()
    async with write_transaction():
        await HoursRecord.insert(
            HoursRecord(
                account=volunteer_id,
                kind="honorary",
                minutes=round(data.hours * 60),
                served_on=data.served_on or now,
                reason=data.reason,
                organization=org_id,
                created_by=principal.account_id,
                created_at=now,
            )
        )
        await record(
            principal,
            "add_honorary_hours",
            "account",
            volunteer_id,
            {"hours": data.hours, "reason": data.reason},
            summary=data.reason,
        )
    return await volunteer_hours(principal, volunteer_id)


EXPORT_HEADERS = ["志愿者", "用户名", "年份", "日期（北京时间）", "类别", "时长(小时)", "活动", "组织", "说明"]
KIND_ZH = {"recorded": "积分时长", "honorary": "荣誉时长"}


def _export(rows: list[dict[str, Any]], title: str) -> bytes:
    out = []
    for r in rows:
        local = r["served_on"].astimezone(LOCAL)
        out.append(
            [
                r["display_name"],
                r["username"],
                local.year,
                local.date().isoformat(),
                KIND_ZH[r["kind"]],
                _h(r["minutes"]),
                r["activity_title"] or "",
                r["organization_name"] or "",
                r["reason"],
            ]
        )
    return write_xlsx(EXPORT_HEADERS, out, title=title)


async def export_volunteer_hours(principal: Principal, volunteer_id: int) -> bytes:
    if not await can_see(principal, volunteer_id):
        raise NotFound("Volunteer not found")
    return _export(await hours_rows([volunteer_id]), "志愿时长")


async def export_organization_hours(principal: Principal, organization_id: int) -> bytes:
    """An organiser's export: hours served in the organisation's activities, and for a team, its members' hours."""
    if not principal.acts_for(organization_id, ORGANISER_ROLES):
        raise Forbidden("You don't organise for this organisation")
    org = await Organization.select(Organization.kind).where(Organization.id == organization_id).first()
    rows = await hours_rows([], organization_id)
    if org and org["kind"] == "volunteer_team":
        members = [
            r["account"]
            for r in await Membership.select(Membership.account).where(Membership.organization == organization_id)
        ]
        if members:
            seen = {r["id"] for r in rows}
            rows += [r for r in await hours_rows(members) if r["id"] not in seen]
    rows.sort(key=lambda r: (r["username"], r["served_on"]))
    return _export(rows, "志愿时长")


async def certificate(principal: Principal, volunteer_id: int, year: int | None = None) -> dict[str, Any]:
    """志愿服务证明: the hours of both kinds, the activities and their organisers."""
    hours = await volunteer_hours(principal, volunteer_id, year)
    activities: dict[int, dict[str, Any]] = {}
    for y in hours.years:
        for r in y.records:
            if r.kind == "recorded" and r.activity_id is not None:
                a = activities.setdefault(
                    r.activity_id,
                    {"title": r.activity_title, "organizer": r.organization_name, "hours": 0.0, "dates": []},
                )
                a["hours"] = round(a["hours"] + r.hours, 2)
                a["dates"].append(r.served_on.astimezone(LOCAL).date())
    profile = await profile_row(volunteer_id)
    return {
        "hours": hours,
        "activities": list(activities.values()),
        "year": year,
        "issued_on": clock.now().astimezone(LOCAL).date(),
        "party_member": bool(profile and profile["party_member"]),
    }
