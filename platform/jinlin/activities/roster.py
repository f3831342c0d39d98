"""排班: a roster run proposes placements on an activity's open places, and volunteers confirm.

A roster run is a shared 匹配批次 (``MatchRun`` of kind ``roster`` over the activity's area, with
``{"activity_id": N}`` in its options), so it runs like any other run: queued, claimed by one
worker, progress on its row, cancellable. This module plugs the kind into ``runs.registry``:

- ``prepare``: only an organiser of a published activity starts one; one live run per activity.
- ``load``: the candidates (volunteers free at the shift's time, with its skills, near the activity
  or in the organising team), without overlaps with the shifts they are on or invited to, and with
  what is left of their weekly hours.
- ``solve``: ``matching``'s ``roster`` kind (no overlaps, max hours, places, skills, free time).
- ``save``: one ``RosterInvitation`` per placement (keyed by run, shift and volunteer, so never
  twice), each volunteer notified, inside the run's finishing transaction.

An accepted invitation is a ``confirmed`` signup, taken through the same conditional update as any
sign-up.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

import msgspec

import matching
from jinlin.accounts.tables import Membership
from jinlin.activities import service
from jinlin.activities.schemas import InvitationOut, RosterOptions, RosterRunIn, RosterRunOut
from jinlin.activities.tables import RosterInvitation, Shift, Signup
from jinlin.areas.tables import Area
from jinlin.audit.service import record
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import Conflict, Invalid, NotFound, WrongStatus
from jinlin.notifications.service import notify
from jinlin.runs.registry import RunKindSpec
from jinlin.runs.schemas import MatchRunIn
from jinlin.runs.tables import MatchRun
from jinlin.volunteers.profiles import free_windows
from jinlin.volunteers.tables import VolunteerProfile

KIND: Literal["roster"] = "roster"
TIME_LIMIT_S = 5.0
# Hours already taken count against a volunteer's weekly maximum within this distance of the shifts.
WEEK = timedelta(days=7)


def _near(paths: list[str], activity_path: str) -> bool:
    return any(activity_path.startswith(p) or p.startswith(activity_path) for p in paths)


def _options(run: dict[str, Any]) -> RosterOptions:
    opts = run["options"] or {}
    return RosterOptions(
        activity_id=int(opts["activity_id"]),
        max_hours=opts.get("max_hours"),
        near_only=bool(opts.get("near_only", True)),
    )


# -- the run kind ----------------------------------------------------------------------------


async def prepare(principal: Principal, area_id: int | None, raw: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """An organiser of the (published) activity starts its roster run; the run is over its area."""
    try:
        options = msgspec.convert(raw, RosterOptions)
    except msgspec.ValidationError as exc:
        message = str(exc)
        field = message.partition(" - at `$.")[2].rstrip("`") or "activity_id"
        raise Invalid("Check the roster options", {f"options.{field}": message.partition(" - at ")[0]}) from exc
    activity = await service.activity_row(options.activity_id)
    service.check_visible(principal, activity)
    if not service.can_manage(principal, activity):
        raise NotFound("Activity not found")
    if activity["status"] != "published":
        raise WrongStatus("activity", activity["status"], "roster")
    if area_id is not None and area_id != activity["area"]:
        raise Invalid("A roster run is over its activity's area", {"area_id": "not the activity's area"})
    return activity["area"], msgspec.to_builtins(options)


async def _activity_of(run: dict[str, Any]) -> dict[str, Any] | None:
    activity_id = (run["options"] or {}).get("activity_id")
    if activity_id is None:
        return None
    try:
        return await service.activity_row(int(activity_id))
    except NotFound:
        return None


async def organises(principal: Principal, run: dict[str, Any]) -> bool:
    activity = await _activity_of(run)
    return activity is not None and service.can_manage(principal, activity)


def result_url(run: dict[str, Any]) -> str:
    return f"/activities/{(run['options'] or {}).get('activity_id')}#roster"


async def load(run: dict[str, Any]) -> tuple[matching.RosterProblem, dict[str, Any]]:
    activity = await _activity_of(run)
    if activity is None or activity["status"] != "published":
        return matching.RosterProblem(shifts=[], volunteers=[]), {"shifts": 0, "volunteers": 0, "candidates": 0}
    return await load_problem(activity, _options(run), float((run["options"] or {}).get("time_limit_s", TIME_LIMIT_S)))


async def load_problem(
    activity: dict[str, Any],
    options: RosterOptions,
    time_limit_s: float = TIME_LIMIT_S,
) -> tuple[matching.RosterProblem, dict[str, Any]]:
    now = clock.now()
    shifts = [
        s
        for s in await Shift.select()
        .where(Shift.activity == activity["id"])
        .order_by(Shift.starts_at)
        .output(load_json=True)
        if s["starts_at"] > now
    ]
    shift_ids = [s["id"] for s in shifts] or [0]
    earlier = await RosterInvitation.select(
        RosterInvitation.shift, RosterInvitation.volunteer, RosterInvitation.status
    ).where(RosterInvitation.shift.is_in(shift_ids) & RosterInvitation.status.is_in(["invited", "declined"]))
    pending: dict[int, int] = {}
    for i in earlier:
        if i["status"] == "invited":
            pending[i["shift"]] = pending.get(i["shift"], 0) + 1
    open_shifts = [s for s in shifts if s["slots_left"] - pending.get(s["id"], 0) > 0]
    if not open_shifts:
        return matching.RosterProblem(shifts=[], volunteers=[]), {"shifts": 0, "volunteers": 0, "candidates": 0}
    since, until = min(s["starts_at"] for s in open_shifts), max(s["ends_at"] for s in open_shifts)
    profiles = (
        await VolunteerProfile.select(
            *VolunteerProfile.all_columns(),
            VolunteerProfile.account.skills.as_alias("skills"),
            VolunteerProfile.account.active.as_alias("active"),
        )
        .order_by(VolunteerProfile.account)
        .output(load_json=True)
    )
    team_members = {
        r["account"]
        for r in await Membership.select(Membership.account).where(
            (Membership.organization == activity["organizer"]) & (Membership.role == "volunteer")
        )
    }
    area_paths = {r["id"]: r["path"] for r in await Area.select(Area.id, Area.path)} if profiles else {}
    # Time a volunteer already gave away: shifts they are on, and shifts they are invited to and may confirm.
    window = (since - WEEK, until + WEEK)
    busy = await Signup.select(
        Signup.volunteer, Signup.shift, Signup.shift.starts_at.as_alias("s"), Signup.shift.ends_at.as_alias("e")
    ).where(
        Signup.status.is_in(list(service.BUSY))
        & (Signup.shift.ends_at > window[0])
        & (Signup.shift.starts_at < window[1])
    )
    busy += await RosterInvitation.select(
        RosterInvitation.volunteer,
        RosterInvitation.shift,
        RosterInvitation.shift.starts_at.as_alias("s"),
        RosterInvitation.shift.ends_at.as_alias("e"),
    ).where(
        (RosterInvitation.status == "invited")
        & (RosterInvitation.shift.ends_at > window[0])
        & (RosterInvitation.shift.starts_at < window[1])
    )
    busy_by: dict[int, list[dict[str, Any]]] = {}
    for b in busy:
        busy_by.setdefault(b["volunteer"], []).append(b)
    asked = {(i["volunteer"], i["shift"]) for i in earlier}
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
            if (vid, s["id"]) in asked or any(b["shift"] == s["id"] for b in mine):
                continue  # already asked (invited or declined), or already on it
            if any(b["s"] < s["ends_at"] and b["e"] > s["starts_at"] for b in mine):
                continue  # overlaps a shift the volunteer is on or invited to
            vol_arcs.append(
                matching.RosterArc(volunteer=str(vid), shift=str(s["id"]), value=2.0 if vid in team_members else 1.0)
            )
        if not vol_arcs:
            continue
        volunteers.append(
            matching.Volunteer(
                id=str(vid),
                skills=tuple(p["skills"] or []),
                max_hours=cap,
                available=None if windows is None else [matching.Window(ws, we) for ws, we in windows],
            )
        )
        arcs += vol_arcs
    problem = matching.RosterProblem(
        shifts=[
            matching.Shift(
                id=str(s["id"]),
                start=s["starts_at"],
                end=s["ends_at"],
                slots=s["slots_left"] - pending.get(s["id"], 0),
                skills=tuple(s["skills"] or []),
            )
            for s in open_shifts
        ],
        volunteers=volunteers,
        arcs=arcs,
        options=matching.Options(time_limit_s=time_limit_s, workers=1),
    )
    return problem, {
        "activity_id": activity["id"],
        "shifts": len(open_shifts),
        "volunteers": len(volunteers),
        "candidates": len(arcs),
    }


def solve(problem: matching.RosterProblem, time_limit: float | None = None) -> matching.Solution:
    """``matching.solve``; nothing to place (no open place or no candidate) is an empty optimum."""
    if not problem.shifts or not problem.volunteers:
        return matching.Solution(KIND, "optimal", 0.0, 0.0)
    return matching.solve(problem, time_limit)


async def save(
    run: dict[str, Any],
    summary: dict[str, Any],
    solution: matching.Solution,
) -> tuple[int, dict[str, Any]]:
    """Invite the chosen volunteers (inside the run's finishing transaction); a placement this run
    already invited is skipped, so saving twice writes nothing twice."""
    activity = await _activity_of(run)
    now = clock.now()
    existing = {
        (r["shift"], r["volunteer"])
        for r in await RosterInvitation.select(RosterInvitation.shift, RosterInvitation.volunteer).where(
            RosterInvitation.run == run["id"]
        )
    }
    count = 0
    for row in solution.assignments if solution.has_solution else []:
        shift_id, volunteer_id = int(row["shift"]), int(row["volunteer"])
        if (shift_id, volunteer_id) in existing:
            continue
        inv = RosterInvitation(
            run=run["id"],
            shift=shift_id,
            volunteer=volunteer_id,
            status="invited",
            reasons=list(row.get("reasons", [])),
            created_at=now,
        )
        await inv.save()
        existing.add((shift_id, volunteer_id))
        await notify(
            kind="roster_invited",
            title="You are invited to a shift of “{title}”: confirm or decline",
            account_id=volunteer_id,
            params={"title": activity["title"] if activity else ""},
            link="/my/shifts",
            object_type="roster_invitation",
            object_id=inv.id,
        )
        count += 1
    result = {**summary, "unmatched": len(solution.unmatched), "solver": solution.stats.get("solver", "")}
    return count, result


RUN_KIND = RunKindSpec(
    KIND,
    load,
    save,
    solve=solve,
    roles=service.ORGANISER_ROLES,
    prepare=prepare,
    exclusive_by=("activity_id",),
    can_view=organises,
    can_manage=organises,
    result_url=result_url,
    publishable=False,
)


# -- starting and reading ----------------------------------------------------------------------


async def start_roster_run(principal: Principal, activity_id: int, options: RosterRunIn) -> RosterRunOut:
    """Queue a roster run for the activity's open places (a worker, or this process, runs it)."""
    from jinlin.runs import service as runs

    data = MatchRunIn(
        kind=KIND, options={"activity_id": activity_id, "max_hours": options.max_hours, "near_only": options.near_only}
    )
    run = await runs.start_run(principal, data)
    return await get_run(principal, run.id)


def _inv_select():
    return RosterInvitation.select(
        *RosterInvitation.all_columns(),
        RosterInvitation.shift.activity.as_alias("activity_id"),
        RosterInvitation.shift.activity.title.as_alias("activity_title"),
        RosterInvitation.shift.starts_at.as_alias("start"),
        RosterInvitation.shift.ends_at.as_alias("end"),
        RosterInvitation.volunteer.display_name.as_alias("volunteer_name"),
    ).output(load_json=True)


def _inv_out(r: dict[str, Any]) -> InvitationOut:
    return InvitationOut(
        id=r["id"],
        run_id=r["run"],
        shift_id=r["shift"],
        activity_id=r["activity_id"],
        activity_title=r["activity_title"],
        volunteer_id=r["volunteer"],
        volunteer_name=r["volunteer_name"],
        start=r["start"],
        end=r["end"],
        status=r["status"],
        reasons=list(r["reasons"] or []),
    )


async def _run_out(run: dict[str, Any]) -> RosterRunOut:
    invitations = await _inv_select().where(RosterInvitation.run == run["id"]).order_by(RosterInvitation.id)
    return RosterRunOut(
        id=run["id"],
        kind=KIND,
        activity_id=int((run["options"] or {})["activity_id"]),
        status=run["status"],
        progress=round(float(run["progress"] or 0.0), 4),
        phase=run["phase"],
        objective=run["objective"],
        stats={**(run["stats"] or {}), **(run["result"] or {})},
        proposals=run["proposals"],
        error=run["error"],
        invitations=[_inv_out(r) for r in invitations],
        created_at=run["created_at"],
        finished_at=run["finished_at"],
    )


async def get_run(principal: Principal, run_id: int) -> RosterRunOut:
    from jinlin.runs import service as runs

    try:
        run = await runs.visible_row(principal, run_id)
    except NotFound:
        raise NotFound("Roster run not found") from None
    if run["kind"] != KIND or not await organises(principal, run):
        raise NotFound("Roster run not found")
    return await _run_out(run)


async def latest_run(activity_id: int, area_id: int) -> RosterRunOut | None:
    """The activity's most recent roster run (for its page), or None."""
    rows = (
        await MatchRun.select()
        .where((MatchRun.kind == KIND) & (MatchRun.area == area_id))
        .order_by(MatchRun.id, ascending=False)
        .limit(50)
        .output(load_json=True)
    )
    for row in rows:
        if (row["options"] or {}).get("activity_id") == activity_id:
            return await _run_out(row)
    return None


async def my_invitations(principal: Principal) -> list[InvitationOut]:
    rows = (
        await _inv_select()
        .where((RosterInvitation.volunteer == principal.account_id) & (RosterInvitation.status == "invited"))
        .order_by(RosterInvitation.id)
    )
    return [_inv_out(r) for r in rows]


async def answer_invitation(principal: Principal, invitation_id: int, *, accept: bool) -> InvitationOut:
    inv = await _inv_select().where(RosterInvitation.id == invitation_id).first()
    if inv is None or inv["volunteer"] != principal.account_id:
        raise NotFound("Invitation not found")
    if inv["status"] != "invited":
        raise WrongStatus("invitation", inv["status"], "accept" if accept else "decline")
    status = "accepted" if accept else "declined"
    async with write_transaction():  # the place on the shift and the answer land together or not at all
        if accept:
            signup = await service.sign_up(principal, inv["shift"], source="roster", status="confirmed")
            if signup.status == "waitlisted":  # raising rolls the waiting-list entry back too
                raise Conflict("The shift filled up before you confirmed", {"shift": "full"}, code="full")
        answered = (
            await RosterInvitation.update({RosterInvitation.status: status, RosterInvitation.decided_at: clock.now()})
            .where((RosterInvitation.id == invitation_id) & (RosterInvitation.status == "invited"))
            .returning(RosterInvitation.id)
        )
        if not answered:
            raise WrongStatus("invitation", "answered", "accept" if accept else "decline")
        await record(
            principal,
            status,
            "roster_invitation",
            invitation_id,
            {"status": ["invited", status]},
            summary=inv["activity_title"],
        )
    return _inv_out(await _inv_select().where(RosterInvitation.id == invitation_id).first())
