"""志愿活动 rules: creating and running activities and their shifts, signing up, waiting lists.

Places are taken with a conditional update (``slots_left >= 1``) inside the one write transaction,
so the last place of a shift can't be taken twice; a full shift puts the volunteer on its waiting
list, and a cancellation hands the place to the first in line.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

import msgspec
from piccolo.columns.combination import Combinable, WhereRaw
from piccolo.query.functions.aggregate import Count

from jinlin.accounts.tables import Account
from jinlin.activities.schemas import ActivityIn, ActivityOut, ActivityPatch, ShiftOut, ShiftPatch, SignupOut
from jinlin.activities.tables import HOLDING, Activity, Shift, Signup
from jinlin.areas.tables import Area
from jinlin.audit.service import diff, record
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.db import batches, is_sqlite, write_transaction
from jinlin.core.errors import Conflict, Forbidden, Invalid, NotFound, WrongStatus
from jinlin.core.pagination import Page, PageRequest, total_of
from jinlin.core.security import mask_phone
from jinlin.notifications.service import notify
from jinlin.orgs.tables import Organization
from jinlin.volunteers.profiles import profile_row, shift_in_free_time

# Who organises activities for an organisation: community staff, team leaders, unit liaisons.
ORGANISER_ROLES = frozenset({"community_admin", "community_staff", "team_leader", "unit_liaison"})
# A volunteer's signups that occupy their time (a waiting-list place may still be promoted).
BUSY = ("signed_up", "waitlisted", "confirmed", "checked_in")


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def minutes_to_hours(minutes: int | None) -> float | None:
    return None if minutes is None else round(minutes / 60, 2)


# -- reading ---------------------------------------------------------------------------------


async def activity_row(activity_id: int) -> dict[str, Any]:
    row = (
        await Activity.select(
            *Activity.all_columns(),
            Activity.organizer.name.as_alias("organizer_name"),
            Activity.area.name.as_alias("area_name"),
            Activity.area.path.as_alias("area_path"),
        )
        .where(Activity.id == activity_id)
        .first()
    )
    if row is None:
        raise NotFound("Activity not found")
    return row


def can_manage(principal: Principal, activity: dict[str, Any]) -> bool:
    return principal.acts_for(activity["organizer"], ORGANISER_ROLES)


def check_visible(principal: Principal, activity: dict[str, Any]) -> None:
    if activity["status"] == "draft" and not can_manage(principal, activity):
        raise NotFound("Activity not found")


async def shift_row(shift_id: int) -> dict[str, Any]:
    row = await Shift.select().where(Shift.id == shift_id).first().output(load_json=True)
    if row is None:
        raise NotFound("Shift not found")
    return row


async def shift_and_activity(principal: Principal, shift_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    shift = await shift_row(shift_id)
    activity = await activity_row(shift["activity"])
    check_visible(principal, activity)
    return shift, activity


async def _waitlisted_counts(shift_ids: list[int]) -> dict[int, int]:
    if not shift_ids:
        return {}
    counts: dict[int, int] = {}
    for ids in batches(shift_ids):
        for r in (
            await Signup.select(Signup.shift, Count(Signup.id).as_alias("n"))
            .where(Signup.shift.is_in(list(ids)) & (Signup.status == "waitlisted"))
            .group_by(Signup.shift)
        ):
            counts[r["shift"]] = r["n"]
    return counts


def shift_out(row: dict[str, Any], manage: bool, waitlisted: int = 0) -> ShiftOut:
    return ShiftOut(
        id=row["id"],
        activity_id=row["activity"],
        start=row["starts_at"],
        end=row["ends_at"],
        slots=row["slots"],
        slots_left=row["slots_left"],
        skills=list(row["skills"] or []),
        waitlisted=waitlisted,
        checkin_code=row["checkin_code"] if manage else None,
    )


async def _shifts_of(activity_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for ids in batches(activity_ids):
        for s in (
            await Shift.select().where(Shift.activity.is_in(list(ids))).order_by(Shift.starts_at).output(load_json=True)
        ):
            out.setdefault(s["activity"], []).append(s)
    return out


async def to_out(principal: Principal, activity: dict[str, Any]) -> ActivityOut:
    return (await to_outs(principal, [activity]))[0]


async def to_outs(principal: Principal, activities: list[dict[str, Any]]) -> list[ActivityOut]:
    """Activities with their shifts: two queries for the whole page, whatever its length."""
    shifts_by = await _shifts_of([a["id"] for a in activities])
    waits = await _waitlisted_counts([s["id"] for shifts in shifts_by.values() for s in shifts])
    return [_activity_out(principal, a, shifts_by.get(a["id"], []), waits) for a in activities]


def _activity_out(
    principal: Principal, activity: dict[str, Any], shifts: list[dict[str, Any]], waits: dict[int, int]
) -> ActivityOut:
    manage = can_manage(principal, activity)
    return ActivityOut(
        id=activity["id"],
        organizer_id=activity["organizer"],
        organizer_name=activity["organizer_name"],
        title=activity["title"],
        description=activity["description"],
        category=activity["category"],
        area_id=activity["area"],
        area_name=activity["area_name"],
        address=activity["address"],
        status=activity["status"],
        grace_minutes=activity["grace_minutes"],
        cancel_cutoff_hours=activity["cancel_cutoff_hours"],
        shifts=[shift_out(s, manage, waits.get(s["id"], 0)) for s in shifts],
        created_at=activity["created_at"],
        updated_at=activity["updated_at"],
        can_manage=manage,
    )


async def get_activity(principal: Principal, activity_id: int) -> ActivityOut:
    activity = await activity_row(activity_id)
    check_visible(principal, activity)
    return await to_out(principal, activity)


def _activities_where(where: list[Any]) -> Any:
    return (
        Activity.select(
            *Activity.all_columns(),
            Activity.organizer.name.as_alias("organizer_name"),
            Activity.area.name.as_alias("area_name"),
            Activity.area.path.as_alias("area_path"),
        )
        .where(*where)
        .order_by(Activity.id, ascending=False)
    )


async def list_activities(
    principal: Principal,
    paging: PageRequest,
    *,
    status: str | None = None,
    category: str | None = None,
    area_id: int | None = None,
    organization_id: int | None = None,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    fits_skills: bool = False,
    free_time: bool = False,
    near: bool = False,
    upcoming: bool = False,
) -> Page[ActivityOut]:
    """Published (and finished) activities for everybody, drafts for their organisers; filters per API.md,
    plus ``fits_skills``, ``free_time`` and ``near`` from the caller's volunteer profile."""
    managed = list(principal.org_ids(ORGANISER_ROLES))
    visible: Combinable = Activity.status.is_in(["published", "finished", "cancelled"])
    if managed:
        visible = visible | Activity.organizer.is_in(managed)
    where: list[Any] = [visible]
    if status:
        where.append(Activity.status == status)
    if category:
        where.append(Activity.category == category)
    if organization_id is not None:
        where.append(Activity.organizer == organization_id)
    if area_id is not None:
        root = await Area.select(Area.path).where(Area.id == area_id).first()
        if root is None:
            raise Invalid("No such area", {"area_id": "no such area"})
        where.append(Activity.area.path.like(f"{root['path']}%"))
    # What SQL can say is said in SQL (the list is paged and counted there); only the caller's own
    # skills and free time, which need their profile, are checked here, on the shifts of the rows left.
    shift_sql, shift_args = [], []
    now = clock.now()
    if upcoming:
        shift_sql.append("s.ends_at > {}")
        shift_args.append(now)
    if date_from:
        shift_sql.append("s.ends_at >= {}")
        shift_args.append(date_from)
    if date_to:
        shift_sql.append("s.starts_at <= {}")
        shift_args.append(date_to)
    if shift_sql:  # one shift must meet them all
        where.append(
            WhereRaw(
                "activity.id IN (SELECT s.activity FROM shift s WHERE " + " AND ".join(shift_sql) + ")", *shift_args
            )
        )
    profile = await profile_row(principal.account_id) if (free_time or near) else None
    if near and profile and profile["preferred_area_ids"]:
        paths = [a["path"] for a in await Area.select(Area.path).where(Area.id.is_in(profile["preferred_area_ids"]))]
        if paths:
            close: Combinable = Activity.area.path.like(f"{paths[0]}%")
            for p in paths[1:]:
                close = close | Activity.area.path.like(f"{p}%")
            where.append(close)
    my_skills: set[str] = set()
    if fits_skills:
        acc = (
            await Account.select(Account.skills)
            .where(Account.id == principal.account_id)
            .first()
            .output(load_json=True)
        )
        my_skills = set(acc["skills"] or []) if acc else set()
    by_profile = fits_skills or (free_time and profile is not None)
    if not by_profile:
        rows = await _activities_where(where).limit(paging.limit).offset(paging.offset)
        return paging.page(await to_outs(principal, rows), await total_of(paging, rows, Activity.count().where(*where)))

    def keep_shift(s: dict[str, Any]) -> bool:
        if upcoming and s["ends_at"] <= now:
            return False
        if date_from and s["ends_at"] < date_from:
            return False
        if date_to and s["starts_at"] > date_to:
            return False
        if fits_skills and not set(s["skills"] or []) <= my_skills:
            return False
        return not (free_time and profile is not None and not shift_in_free_time(profile, s["starts_at"], s["ends_at"]))

    rows = await _activities_where(where)
    shifts_by = await _shifts_of([r["id"] for r in rows])
    kept = [r for r in rows if any(keep_shift(s) for s in shifts_by.get(r["id"], []))]
    window = kept[paging.offset : paging.offset + paging.limit]
    return paging.page(await to_outs(principal, window), len(kept))


# -- organising ------------------------------------------------------------------------------


def _check_times(start: datetime, end: datetime, field: str = "shifts") -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise Invalid("Times need an offset", {field: "times must include an offset, e.g. +08:00"})
    if end <= start:
        raise Invalid("A shift must end after it starts", {field: "end must be after start"})
    if end - start > timedelta(hours=24):
        raise Invalid("A shift lasts at most 24 hours", {field: "at most 24 hours"})


async def _check_area(area_id: int) -> None:
    if not await Area.exists().where(Area.id == area_id):
        raise Invalid("No such area", {"area_id": "no such area"})


def require_organiser(principal: Principal) -> None:
    """403 unless the caller organises for some organisation: the one check behind the form and its save."""
    if not principal.org_ids(ORGANISER_ROLES):
        raise Forbidden("You don't organise activities for any organisation")


async def create_activity(principal: Principal, data: ActivityIn) -> ActivityOut:
    require_organiser(principal)
    if not principal.acts_for(data.organizer_id, ORGANISER_ROLES):
        raise Forbidden("You don't organise activities for this organisation", {"organizer_id": "not yours"})
    await _check_area(data.area_id)
    for s in data.shifts:
        _check_times(s.start, s.end)
    now = clock.now()
    async with write_transaction():
        activity = Activity(
            organizer=data.organizer_id,
            created_by=principal.account_id,
            title=data.title,
            description=data.description,
            category=getattr(data.category, "value", data.category),
            area=data.area_id,
            address=data.address,
            status="draft",
            grace_minutes=data.grace_minutes,
            cancel_cutoff_hours=data.cancel_cutoff_hours,
            created_at=now,
            updated_at=now,
        )
        await activity.save()
        for s in data.shifts:
            await Shift.insert(
                Shift(
                    activity=activity.id,
                    starts_at=s.start,
                    ends_at=s.end,
                    slots=s.slots,
                    slots_left=s.slots,
                    skills=sorted(set(s.skills)),
                    checkin_code=new_code(),
                    created_at=now,
                )
            )
        await record(principal, "create", "activity", activity.id, msgspec.to_builtins(data), summary=data.title)
    return await get_activity(principal, activity.id)


async def _managed(principal: Principal, activity_id: int) -> dict[str, Any]:
    activity = await activity_row(activity_id)
    check_visible(principal, activity)
    if not can_manage(principal, activity):
        raise Forbidden("Only the organisers change this activity")
    return activity


async def _people(activity_id: int, statuses: tuple[str, ...] = (*HOLDING, "waitlisted")) -> list[int]:
    rows = (
        await Signup.select(Signup.volunteer)
        .where(Signup.shift.activity == activity_id)
        .where(Signup.status.is_in(list(statuses)))
    )
    return sorted({r["volunteer"] for r in rows})


async def _notify_people(activity: dict[str, Any], kind: str, title: str, people: list[int]) -> None:
    for account_id in people:
        await notify(
            kind=kind,
            title=title,
            account_id=account_id,
            params={"title": activity["title"]},
            link=f"/activities/{activity['id']}",
            object_type="activity",
            object_id=activity["id"],
        )


async def _started(activity_id: int) -> bool:
    first = await Shift.select(Shift.starts_at).where(Shift.activity == activity_id).order_by(Shift.starts_at).first()
    return first is not None and first["starts_at"] <= clock.now()


async def update_activity(principal: Principal, activity_id: int, patch: ActivityPatch) -> ActivityOut:
    before = await _managed(principal, activity_id)
    if before["status"] not in ("draft", "published"):
        raise WrongStatus("activity", before["status"], "edit")
    if await _started(activity_id):
        raise Conflict("The activity has started; it can't be edited", {"status": "started"})
    changes = {
        k: (v.value if hasattr(v, "value") else v)
        for k, v in msgspec.structs.asdict(patch).items()
        if v is not msgspec.UNSET
    }
    if "area_id" in changes:
        await _check_area(changes["area_id"])
        changes["area"] = changes.pop("area_id")
    if not changes:
        return await to_out(principal, before)
    async with write_transaction():
        updated = (
            await Activity.update(
                {**{getattr(Activity, k): v for k, v in changes.items()}, Activity.updated_at: clock.now()}
            )
            .where((Activity.id == activity_id) & Activity.status.is_in(["draft", "published"]))
            .returning(Activity.id)
        )
        if not updated:
            raise WrongStatus("activity", (await activity_row(activity_id))["status"], "edit")
        if before["status"] == "published":
            await _notify_people(
                before, "activity_changed", "The activity “{title}” was changed", await _people(activity_id)
            )
        await record(principal, "update", "activity", activity_id, diff(before, changes), summary=before["title"])
    return await get_activity(principal, activity_id)


async def update_shift(principal: Principal, shift_id: int, patch: ShiftPatch) -> ShiftOut:
    shift = await shift_row(shift_id)
    activity = await _managed(principal, shift["activity"])
    if activity["status"] not in ("draft", "published"):
        raise WrongStatus("activity", activity["status"], "edit")
    if shift["starts_at"] <= clock.now():
        raise Conflict("The shift has started; it can't be edited", {"start": "started"})
    start = patch.start if patch.start is not msgspec.UNSET else shift["starts_at"]
    end = patch.end if patch.end is not msgspec.UNSET else shift["ends_at"]
    _check_times(start, end, "start")
    changes: dict[Any, Any] = {Shift.starts_at: start, Shift.ends_at: end}
    if patch.skills is not msgspec.UNSET:
        changes[Shift.skills] = sorted(set(patch.skills))
    async with write_transaction():
        if patch.slots is not msgspec.UNSET:
            delta = patch.slots - shift["slots"]
            # Conditional on the value read: a concurrent edit in between makes this one change nothing (the
            # delta would be applied twice). Places already taken stay taken: slots_left may not go below zero.
            enough = (Shift.id == shift_id) & (Shift.slots == shift["slots"]) & (Shift.slots_left >= max(0, -delta))
            done = (
                await Shift.update({Shift.slots: patch.slots, Shift.slots_left: Shift.slots_left + delta})
                .where(enough)
                .returning(Shift.slots_left)
            )
            if not done:
                current = await Shift.select(Shift.slots).where(Shift.id == shift_id).first()
                if current is None or current["slots"] != shift["slots"]:
                    raise Conflict(
                        "The shift was changed meanwhile; reload and try again",
                        {"slots": "changed meanwhile"},
                        code="changed_meanwhile",
                    )
                raise Conflict("More volunteers have signed up than that", {"slots": "below the places taken"})
            if delta > 0:
                for _ in range(delta):
                    if not await _promote(shift_id, activity):
                        break
        await Shift.update(changes).where(Shift.id == shift_id)
        await Activity.update({Activity.updated_at: clock.now()}).where(Activity.id == activity["id"])
        if activity["status"] == "published":
            rows = await Signup.select(Signup.volunteer).where(
                (Signup.shift == shift_id) & Signup.status.is_in([*HOLDING, "waitlisted"])
            )
            await _notify_people(
                activity, "shift_changed", "A shift of “{title}” was changed", sorted({r["volunteer"] for r in rows})
            )
        await record(
            principal,
            "update",
            "shift",
            shift_id,
            diff(
                shift,
                {
                    "starts_at": start,
                    "ends_at": end,
                    **({"slots": patch.slots} if patch.slots is not msgspec.UNSET else {}),
                },
            ),
            summary=activity["title"],
        )
    return shift_out(await shift_row(shift_id), True)


async def _transition(
    principal: Principal,
    activity_id: int,
    action: str,
    src: tuple[str, ...],
    dst: str,
) -> dict[str, Any]:
    activity = await _managed(principal, activity_id)
    updated = (
        await Activity.update({Activity.status: dst, Activity.updated_at: clock.now()})
        .where((Activity.id == activity_id) & Activity.status.is_in(list(src)))
        .returning(Activity.id)
    )
    if not updated:
        raise WrongStatus("activity", (await activity_row(activity_id))["status"], action)
    await record(
        principal, action, "activity", activity_id, {"status": [activity["status"], dst]}, summary=activity["title"]
    )
    return activity


async def publish_activity(principal: Principal, activity_id: int) -> ActivityOut:
    async with write_transaction():
        await _transition(principal, activity_id, "publish", ("draft",), "published")
    return await get_activity(principal, activity_id)


async def cancel_activity(principal: Principal, activity_id: int) -> ActivityOut:
    """Cancel: every signup is cancelled and everyone on it (or waiting) is notified."""
    async with write_transaction():
        activity = await _transition(principal, activity_id, "cancel", ("draft", "published"), "cancelled")
        people = await _people(activity_id, ("signed_up", "waitlisted", "confirmed"))
        shift_ids = [s["id"] for s in await Shift.select(Shift.id).where(Shift.activity == activity_id)]
        if shift_ids:
            await Signup.update({Signup.status: "cancelled", Signup.updated_at: clock.now()}).where(
                Signup.shift.is_in(shift_ids) & Signup.status.is_in(["signed_up", "waitlisted", "confirmed"])
            )
        await _notify_people(activity, "activity_cancelled", "The activity “{title}” was cancelled", people)
    return await get_activity(principal, activity_id)


async def finish_activity(principal: Principal, activity_id: int) -> ActivityOut:
    if not can_manage(principal, await activity_row(activity_id)):  # who may, before what state it is in
        raise Forbidden("Only the organisers finish an activity")
    if not await _started(activity_id):
        raise Conflict("The activity hasn't started yet", {"status": "not started"})
    async with write_transaction():
        await _transition(principal, activity_id, "finish", ("published",), "finished")
    return await get_activity(principal, activity_id)


# -- signing up ------------------------------------------------------------------------------


async def _lock_volunteer(account_id: int) -> None:
    """Serialise one volunteer's sign-ups (the overlap check reads, then writes). SQLite's IMMEDIATE
    transaction already does; on PostgreSQL lock the account row."""
    if not is_sqlite():
        await Account.select(Account.id).where(Account.id == account_id).lock_rows()


async def signup_out(principal: Principal, row: dict[str, Any], manage: bool | None = None) -> SignupOut:
    if manage is None:
        activity = await activity_row(row["shift.activity"])
        manage = can_manage(principal, activity)
    own = row["volunteer"] == principal.account_id
    position = None
    if row["status"] == "waitlisted":
        position = 1 + await Signup.count().where(
            (Signup.shift == row["shift"]) & (Signup.status == "waitlisted") & (Signup.id < row["id"])
        )
    phone = row["volunteer.phone"] or ""
    return SignupOut(
        id=row["id"],
        shift_id=row["shift"],
        activity_id=row["shift.activity"],
        volunteer_id=row["volunteer"],
        volunteer_name=row["volunteer.display_name"] or row["volunteer.username"],
        phone=phone if (own or manage) else mask_phone(phone),
        status=row["status"],
        source=row["source"],
        checked_in_at=row["checked_in_at"],
        checked_out_at=row["checked_out_at"],
        hours=minutes_to_hours(row["minutes"]),
        verified=row["verified_at"] is not None,
        adjust_reason=row["adjust_reason"],
        waitlist_position=position,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def signup_select():
    cols = [
        *Signup.all_columns(),
        Signup.shift.activity.as_alias("shift.activity"),
        Signup.volunteer.display_name.as_alias("volunteer.display_name"),
        Signup.volunteer.username.as_alias("volunteer.username"),
        Signup.volunteer.phone.as_alias("volunteer.phone"),
    ]
    return Signup.select(*cols)


async def signup_row(signup_id: int) -> dict[str, Any]:
    row = await signup_select().where(Signup.id == signup_id).first()
    if row is None:
        raise NotFound("Signup not found")
    return row


async def sign_up(
    principal: Principal,
    shift_id: int,
    *,
    source: str = "self",
    status: str | None = None,
) -> SignupOut:
    """Sign the caller up for a shift: a place if one is left, else the waiting list."""
    shift, activity = await shift_and_activity(principal, shift_id)
    if activity["status"] != "published":
        raise WrongStatus("activity", activity["status"], "sign up")
    if can_manage(principal, activity):
        # An organiser on their own shift would verify and rate their own service.
        raise Forbidden("Organisers don't sign up for their own activity", {"shift": "your own activity"})
    if shift["starts_at"] <= clock.now():
        raise Conflict("This shift has already started", {"shift": "started"})
    acc = await Account.select(Account.skills).where(Account.id == principal.account_id).first().output(load_json=True)
    missing = sorted(set(shift["skills"] or []) - set(acc["skills"] or []))
    if missing:
        raise Invalid("You lack the skills this shift needs", {"skills": ", ".join(missing)}, code="missing_skills")
    async with write_transaction():
        await _lock_volunteer(principal.account_id)
        if await Signup.exists().where(
            (Signup.shift == shift_id) & (Signup.volunteer == principal.account_id) & (Signup.status != "cancelled")
        ):
            raise Conflict("You are already on this shift", {"shift": "already signed up"}, code="duplicate")
        clash = (
            await Signup.select(Signup.id, Signup.shift.activity.title.as_alias("title"))
            .where(
                (Signup.volunteer == principal.account_id)
                & Signup.status.is_in(list(BUSY))
                & (Signup.shift.starts_at < shift["ends_at"])
                & (Signup.shift.ends_at > shift["starts_at"])
            )
            .first()
        )
        if clash is not None:
            raise Conflict("This shift overlaps another shift you are on", {"shift": clash["title"]}, code="overlap")
        taken = (
            await Shift.update({Shift.slots_left: Shift.slots_left - 1})
            .where((Shift.id == shift_id) & (Shift.slots_left >= 1))
            .returning(Shift.id)
        )
        state = (status or "signed_up") if taken else "waitlisted"
        now = clock.now()
        signup = Signup(
            shift=shift_id, volunteer=principal.account_id, status=state, source=source, created_at=now, updated_at=now
        )
        await signup.save()
        await record(
            principal, "sign_up", "signup", signup.id, {"shift": shift_id, "status": state}, summary=activity["title"]
        )
    return await signup_out(principal, await signup_row(signup.id))


async def _promote(shift_id: int, activity: dict[str, Any]) -> bool:
    """Give a free place to the first on the waiting list (inside the caller's transaction)."""
    while True:
        first = (
            await Signup.select(Signup.id, Signup.volunteer)
            .where((Signup.shift == shift_id) & (Signup.status == "waitlisted"))
            .order_by(Signup.id)
            .first()
        )
        if first is None:
            return False
        taken = (
            await Shift.update({Shift.slots_left: Shift.slots_left - 1})
            .where((Shift.id == shift_id) & (Shift.slots_left >= 1))
            .returning(Shift.id)
        )
        if not taken:
            return False
        moved = (
            await Signup.update({Signup.status: "signed_up", Signup.updated_at: clock.now()})
            .where((Signup.id == first["id"]) & (Signup.status == "waitlisted"))
            .returning(Signup.id)
        )
        if not moved:  # cancelled meanwhile: give the place back and try the next
            await Shift.update({Shift.slots_left: Shift.slots_left + 1}).where(Shift.id == shift_id)
            continue
        await notify(
            kind="waitlist_promoted",
            title="A place opened on “{title}”: you are signed up",
            account_id=first["volunteer"],
            params={"title": activity["title"]},
            link=f"/activities/{activity['id']}",
            object_type="signup",
            object_id=first["id"],
        )
        await record(
            None, "promote", "signup", first["id"], {"status": ["waitlisted", "signed_up"]}, summary=activity["title"]
        )
        return True


async def cancel_signup(principal: Principal, signup_id: int) -> SignupOut:
    """The volunteer cancels before the cut-off (organisers may cancel until the start); a place that
    frees up goes to the first on the waiting list, who is notified."""
    row = await signup_row(signup_id)
    shift, activity = await shift_and_activity(principal, row["shift"])
    manage = can_manage(principal, activity)
    if row["volunteer"] != principal.account_id and not manage:
        raise NotFound("Signup not found")
    now = clock.now()
    if row["status"] not in ("signed_up", "waitlisted", "confirmed"):
        raise WrongStatus("signup", row["status"], "cancel")
    cutoff = shift["starts_at"] - timedelta(hours=activity["cancel_cutoff_hours"])
    if row["status"] != "waitlisted" and now > (shift["starts_at"] if manage else cutoff):
        raise Conflict("Too late to cancel; contact the organiser", {"status": "past the cut-off"}, code="past_cutoff")
    async with write_transaction():
        done = (
            await Signup.update({Signup.status: "cancelled", Signup.updated_at: now})
            .where((Signup.id == signup_id) & Signup.status.is_in(["signed_up", "waitlisted", "confirmed"]))
            .returning(Signup.status)
        )
        if not done:
            raise WrongStatus("signup", (await signup_row(signup_id))["status"], "cancel")
        if row["status"] != "waitlisted":
            await Shift.update({Shift.slots_left: Shift.slots_left + 1}).where(Shift.id == shift["id"])
            await _promote(shift["id"], activity)
        if manage and row["volunteer"] != principal.account_id:
            await notify(
                kind="signup_cancelled",
                title="The organiser cancelled your place on “{title}”",
                account_id=row["volunteer"],
                params={"title": activity["title"]},
                link=f"/activities/{activity['id']}",
                object_type="signup",
                object_id=signup_id,
            )
        await record(
            principal,
            "cancel",
            "signup",
            signup_id,
            {"status": [row["status"], "cancelled"]},
            summary=activity["title"],
        )
    return await signup_out(principal, await signup_row(signup_id), manage)


async def list_signups(
    principal: Principal, shift_id: int, paging: PageRequest, status: str | None = None
) -> Page[SignupOut]:
    """Organisers see everyone on the shift (with phones); a volunteer sees only their own signup."""
    _shift, activity = await shift_and_activity(principal, shift_id)
    manage = can_manage(principal, activity)
    query = signup_select().where(Signup.shift == shift_id).order_by(Signup.id)
    count = Signup.count().where(Signup.shift == shift_id)
    if not manage:
        query = query.where(Signup.volunteer == principal.account_id)
        count = count.where(Signup.volunteer == principal.account_id)
    if status:
        query = query.where(Signup.status == status)
        count = count.where(Signup.status == status)
    rows = await query.limit(paging.limit).offset(paging.offset)
    return paging.page([await signup_out(principal, r, manage) for r in rows], await count)


async def get_signup(principal: Principal, signup_id: int) -> SignupOut:
    row = await signup_row(signup_id)
    activity = await activity_row(row["shift.activity"])
    manage = can_manage(principal, activity)
    if row["volunteer"] != principal.account_id and not manage:
        raise NotFound("Signup not found")
    return await signup_out(principal, row, manage)


async def my_signups(principal: Principal) -> list[dict[str, Any]]:
    """The caller's signups with their shift and activity, soonest first (for the volunteer's pages)."""
    rows = (
        await Signup.select(
            *Signup.all_columns(),
            Signup.shift.starts_at.as_alias("starts_at"),
            Signup.shift.ends_at.as_alias("ends_at"),
            Signup.shift.activity.as_alias("activity_id"),
            Signup.shift.activity.title.as_alias("title"),
            Signup.shift.activity.address.as_alias("address"),
            Signup.shift.activity.status.as_alias("activity_status"),
            Signup.shift.activity.organizer.name.as_alias("organizer_name"),
        )
        .where(Signup.volunteer == principal.account_id)
        .order_by(Signup.id)
    )
    for r in rows:
        r["hours"] = minutes_to_hours(r["minutes"])
    return sorted(rows, key=lambda r: r["starts_at"])


__all__ = ["Organization"]
