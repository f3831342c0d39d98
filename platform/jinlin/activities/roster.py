"""排班: a roster run proposes placements on an activity's open places, and volunteers confirm.

The run loads the candidates (volunteers who are free at the shift's time, have its skills and
prefer an area around the activity), solves with ``matching``'s ``roster`` kind (no overlaps,
max hours, places), and invites the chosen volunteers. An accepted invitation is a ``confirmed``
signup, taken through the same conditional update as any sign-up.

The run is kept in this feature's ``RosterRun`` table behind ``start_roster_run``; the shared
MatchRun machinery (``runs``) can take it over through ``load_problem``/``save_solution``.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import matching
from jinlin.accounts.tables import Account, Membership
from jinlin.activities import service
from jinlin.activities.schemas import InvitationOut, RosterRunIn, RosterRunOut
from jinlin.activities.tables import RosterInvitation, RosterRun, Shift, Signup
from jinlin.areas.tables import Area
from jinlin.audit.service import record
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import Conflict, NotFound, WrongStatus
from jinlin.notifications.service import notify
from jinlin.volunteers.service import free_windows
from jinlin.volunteers.tables import VolunteerProfile

TIME_LIMIT_S = 5.0


def _near(paths: list[str], activity_path: str) -> bool:
    return any(activity_path.startswith(p) or p.startswith(activity_path) for p in paths)


async def load_problem(activity: dict[str, Any], options: RosterRunIn) -> tuple[matching.RosterProblem, dict[str, Any]]:
    now = clock.now()
    shifts = [s for s in await Shift.select().where(Shift.activity == activity["id"]).order_by(Shift.starts_at)
              .output(load_json=True) if s["starts_at"] > now]
    invited = await RosterInvitation.select(RosterInvitation.shift, RosterInvitation.volunteer).where(
        RosterInvitation.shift.is_in([s["id"] for s in shifts] or [0]) & (RosterInvitation.status == "invited"))
    pending: dict[int, int] = {}
    for i in invited:
        pending[i["shift"]] = pending.get(i["shift"], 0) + 1
    open_shifts = [s for s in shifts if s["slots_left"] - pending.get(s["id"], 0) > 0]
    if not open_shifts:
        return matching.RosterProblem(shifts=[], volunteers=[]), {"shifts": 0, "volunteers": 0}
    since, until = min(s["starts_at"] for s in open_shifts), max(s["ends_at"] for s in open_shifts)
    profiles = await VolunteerProfile.select(
        *VolunteerProfile.all_columns(), VolunteerProfile.account.skills.as_alias("skills"),
        VolunteerProfile.account.active.as_alias("active")).order_by(VolunteerProfile.account).output(load_json=True)
    team_members = {r["account"] for r in await Membership.select(Membership.account).where(
        (Membership.organization == activity["organizer"]) & (Membership.role == "volunteer"))}
    area_paths = {r["id"]: r["path"] for r in await Area.select(Area.id, Area.path)} if profiles else {}
    busy = await Signup.select(Signup.volunteer, Signup.shift, Signup.shift.starts_at.as_alias("s"),
                               Signup.shift.ends_at.as_alias("e")).where(
        Signup.status.is_in(list(service.BUSY)) & (Signup.shift.ends_at > since - timedelta(days=7))
        & (Signup.shift.starts_at < until + timedelta(days=7)))
    busy_by: dict[int, list[dict[str, Any]]] = {}
    for b in busy:
        busy_by.setdefault(b["volunteer"], []).append(b)
    already = {(i["volunteer"], i["shift"]) for i in invited}
    volunteers, arcs = [], []
    for p in profiles:
        vid = p["account"]
        if not p["active"]:
            continue
        prefs = [area_paths[a] for a in p["preferred_area_ids"] or [] if a in area_paths]
        if options.near_only and vid not in team_members and not _near(prefs, activity["area_path"]):
            continue
        mine = busy_by.get(vid, [])
        cap = options.max_hours if options.max_hours is not None else p["max_hours_per_week"]
        if cap is not None:
            cap = max(0.0, cap - sum((b["e"] - b["s"]).total_seconds() / 3600 for b in mine))
        windows = free_windows(p, since, until)
        vol_arcs = []
        for s in open_shifts:
            if (vid, s["id"]) in already or any(b["shift"] == s["id"] for b in mine):
                continue
            if any(b["s"] < s["ends_at"] and b["e"] > s["starts_at"] for b in mine):
                continue  # overlaps a shift the volunteer is already on
            vol_arcs.append(matching.RosterArc(volunteer=str(vid), shift=str(s["id"]),
                                               value=2.0 if vid in team_members else 1.0))
        if not vol_arcs:
            continue
        volunteers.append(matching.Volunteer(
            id=str(vid), skills=tuple(p["skills"] or []), max_hours=cap,
            available=None if windows is None else [matching.Window(ws, we) for ws, we in windows]))
        arcs += vol_arcs
    problem = matching.RosterProblem(
        shifts=[matching.Shift(id=str(s["id"]), start=s["starts_at"], end=s["ends_at"],
                               slots=s["slots_left"] - pending.get(s["id"], 0), skills=tuple(s["skills"] or []))
                for s in open_shifts],
        volunteers=volunteers, arcs=arcs, options=matching.Options(time_limit_s=TIME_LIMIT_S, workers=1))
    return problem, {"shifts": len(open_shifts), "volunteers": len(volunteers), "candidates": len(arcs)}


async def save_solution(run_id: int, activity: dict[str, Any], solution: matching.Solution) -> int:
    """Invite the chosen volunteers (inside the run's finishing transaction)."""
    now = clock.now()
    count = 0
    for row in solution.assignments:
        shift_id, volunteer_id = int(row["shift"]), int(row["volunteer"])
        inv = RosterInvitation(run=run_id, shift=shift_id, volunteer=volunteer_id, status="invited",
                               reasons=list(row.get("reasons", [])), created_at=now)
        await inv.save()
        await notify(kind="roster_invited", title="You are invited to a shift of “{title}”: confirm or decline",
                     account_id=volunteer_id, params={"title": activity["title"]}, link="/my/shifts",
                     object_type="roster_invitation", object_id=inv.id)
        count += 1
    return count


async def start_roster_run(principal: Principal, activity_id: int, options: RosterRunIn) -> RosterRunOut:
    """Run the roster for an activity's open places now (small problems; a few seconds at most)."""
    activity = await service.activity_row(activity_id)
    service.check_visible(principal, activity)
    if not service.can_manage(principal, activity):
        raise NotFound("Activity not found")
    if activity["status"] != "published":
        raise WrongStatus("activity", activity["status"], "roster")
    now = clock.now()
    async with write_transaction():
        if await RosterRun.exists().where((RosterRun.activity == activity_id)
                                          & RosterRun.status.is_in(["queued", "running"])):
            raise Conflict("A roster run for this activity is still going", code="run_in_progress")
        run = RosterRun(activity=activity_id, status="running", created_by=principal.account_id, created_at=now,
                        stats={"options": {"max_hours": options.max_hours, "near_only": options.near_only}})
        await run.save()
        await record(principal, "start", "roster_run", run.id, {"activity": activity_id}, summary=activity["title"])
    try:
        problem, summary = await load_problem(activity, options)
        if problem.shifts and problem.volunteers:
            solution = await asyncio.to_thread(matching.solve, problem)
        else:
            solution = matching.Solution("roster", "optimal", 0.0, 0.0)
    except Exception as exc:
        await RosterRun.update({RosterRun.status: "failed", RosterRun.finished_at: clock.now(),
                                RosterRun.stats: {"error": str(exc)[:500]}}).where(RosterRun.id == run.id)
        raise
    async with write_transaction():
        done = await RosterRun.update({RosterRun.status: "succeeded", RosterRun.finished_at: clock.now()}).where(
            (RosterRun.id == run.id) & (RosterRun.status == "running")).returning(RosterRun.id)
        if done:
            proposals = await save_solution(run.id, activity, solution) if solution.has_solution else 0
            stats = {**summary, "solver_status": solution.status, "solver": solution.stats.get("solver", ""),
                     "unmatched": len(solution.unmatched)}
            await RosterRun.update({RosterRun.proposals: proposals, RosterRun.stats: stats,
                                    RosterRun.objective: round(solution.objective or 0)}).where(RosterRun.id == run.id)
    return await get_run(principal, run.id)


def _inv_select():
    return RosterInvitation.select(
        *RosterInvitation.all_columns(), RosterInvitation.shift.activity.as_alias("activity_id"),
        RosterInvitation.shift.activity.title.as_alias("activity_title"),
        RosterInvitation.shift.starts_at.as_alias("start"), RosterInvitation.shift.ends_at.as_alias("end"),
        RosterInvitation.volunteer.display_name.as_alias("volunteer_name")).output(load_json=True)


def _inv_out(r: dict[str, Any]) -> InvitationOut:
    return InvitationOut(id=r["id"], run_id=r["run"], shift_id=r["shift"], activity_id=r["activity_id"],
                         activity_title=r["activity_title"], volunteer_id=r["volunteer"],
                         volunteer_name=r["volunteer_name"], start=r["start"], end=r["end"], status=r["status"],
                         reasons=list(r["reasons"] or []))


async def get_run(principal: Principal, run_id: int) -> RosterRunOut:
    run = await RosterRun.select().where(RosterRun.id == run_id).first().output(load_json=True)
    if run is None:
        raise NotFound("Roster run not found")
    activity = await service.activity_row(run["activity"])
    if not service.can_manage(principal, activity):
        raise NotFound("Roster run not found")
    invitations = await _inv_select().where(RosterInvitation.run == run_id).order_by(RosterInvitation.id)
    return RosterRunOut(id=run["id"], kind="roster", activity_id=run["activity"], status=run["status"],
                        objective=run["objective"], stats=run["stats"] or {}, proposals=run["proposals"],
                        invitations=[_inv_out(r) for r in invitations], created_at=run["created_at"],
                        finished_at=run["finished_at"])


async def my_invitations(principal: Principal) -> list[InvitationOut]:
    rows = await _inv_select().where((RosterInvitation.volunteer == principal.account_id)
                                     & (RosterInvitation.status == "invited")).order_by(RosterInvitation.id)
    return [_inv_out(r) for r in rows]


async def answer_invitation(principal: Principal, invitation_id: int, *, accept: bool) -> InvitationOut:
    inv = await _inv_select().where(RosterInvitation.id == invitation_id).first()
    if inv is None or inv["volunteer"] != principal.account_id:
        raise NotFound("Invitation not found")
    if inv["status"] != "invited":
        raise WrongStatus("invitation", inv["status"], "accept" if accept else "decline")
    if accept:
        signup = await service.sign_up(principal, inv["shift"], source="roster", status="confirmed")
        if signup.status == "waitlisted":
            await service.cancel_signup(principal, signup.id)
            raise Conflict("The shift filled up before you confirmed", {"shift": "full"}, code="full")
    status = "accepted" if accept else "declined"
    async with write_transaction():
        await RosterInvitation.update({RosterInvitation.status: status, RosterInvitation.decided_at: clock.now()}).where(
            (RosterInvitation.id == invitation_id) & (RosterInvitation.status == "invited"))
        await record(principal, status, "roster_invitation", invitation_id, {"status": ["invited", status]},
                     summary=inv["activity_title"])
    return _inv_out(await _inv_select().where(RosterInvitation.id == invitation_id).first())


__all__ = ["Account"]
