"""签到与时长: checking in and out with the shift's code, no-shows, and verifying hours.

Check-in opens ``grace_minutes`` before the start and closes at the end; check-out closes
``grace_minutes`` after the end. Served time is the check-in/check-out interval clipped to the
shift. Verified hours become a ``recorded`` HoursRecord (积分时长); honorary hours (荣誉时长) are
added separately by administrators (volunteers.service) and never mixed in.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta
from typing import Any

from jinlin.activities.schemas import SignupOut, VerifyIn, VerifyOut
from jinlin.activities.service import (
    activity_row,
    can_manage,
    shift_and_activity,
    signup_out,
    signup_row,
    signup_select,
)
from jinlin.activities.tables import HoursRecord, Signup
from jinlin.audit.service import record
from jinlin.auth.principal import Principal
from jinlin.core import clock, ratelimit
from jinlin.core.db import write_transaction
from jinlin.core.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited, WrongStatus


def served_minutes(shift: dict[str, Any], checked_in: datetime, checked_out: datetime) -> int:
    start = max(checked_in, shift["starts_at"])
    end = min(checked_out, shift["ends_at"])
    return max(0, int((end - start).total_seconds() // 60))


CODE_TRIES = 10
CODE_TRIES_PER_S = 600


async def _check_code(principal: Principal, shift: dict[str, Any], code: str) -> None:
    """Called only after the sign-up and the window were checked, so the answer to someone who may not
    check in never depends on the code (no oracle); the tries of those who may are rate-limited."""
    if not await ratelimit.allow(
        f"checkin:{principal.account_id}:{shift['id']}", capacity=CODE_TRIES, per_seconds=CODE_TRIES_PER_S
    ):
        raise RateLimited("Too many wrong codes; try again in a few minutes")
    if not hmac.compare_digest(shift["checkin_code"].encode(), code.strip().encode()):
        raise Invalid("Wrong check-in code", {"code": "wrong code"}, code="wrong_code")


async def _my_signup(principal: Principal, shift_id: int) -> dict[str, Any]:
    row = (
        await signup_select()
        .where((Signup.shift == shift_id) & (Signup.volunteer == principal.account_id) & (Signup.status != "cancelled"))
        .order_by(Signup.id, ascending=False)
        .first()
    )
    if row is None:
        raise Conflict("You are not signed up for this shift", {"shift": "not signed up"}, code="not_signed_up")
    return row


async def check_in(principal: Principal, shift_id: int, code: str) -> SignupOut:
    shift, activity = await shift_and_activity(principal, shift_id)
    mine = await _my_signup(principal, shift_id)
    now = clock.now()
    grace = timedelta(minutes=activity["grace_minutes"])
    if mine["status"] not in ("signed_up", "confirmed"):
        raise WrongStatus("signup", mine["status"], "check in")
    if activity["status"] != "published":
        raise WrongStatus("activity", activity["status"], "check in")
    if not shift["starts_at"] - grace <= now <= shift["ends_at"]:
        raise Conflict(
            "Check-in is open from shortly before the shift starts until it ends",
            {"code": "outside the check-in window"},
            code="outside_window",
        )
    await _check_code(principal, shift, code)
    async with write_transaction():
        done = (
            await Signup.update({Signup.status: "checked_in", Signup.checked_in_at: now, Signup.updated_at: now})
            .where((Signup.id == mine["id"]) & Signup.status.is_in(["signed_up", "confirmed"]))
            .returning(Signup.id)
        )
        if not done:
            raise WrongStatus("signup", (await signup_row(mine["id"]))["status"], "check in")
        await record(principal, "check_in", "signup", mine["id"], {"at": now}, summary=activity["title"])
    return await signup_out(principal, await signup_row(mine["id"]), False)


async def check_out(principal: Principal, shift_id: int, code: str) -> SignupOut:
    shift, activity = await shift_and_activity(principal, shift_id)
    mine = await _my_signup(principal, shift_id)
    now = clock.now()
    if mine["status"] != "checked_in":
        raise WrongStatus("signup", mine["status"], "check out")
    if now > shift["ends_at"] + timedelta(minutes=activity["grace_minutes"]):
        raise Conflict(
            "Check-out closed after the shift ended; ask the organiser to record your hours",
            {"code": "outside the check-out window"},
            code="outside_window",
        )
    await _check_code(principal, shift, code)
    minutes = served_minutes(shift, mine["checked_in_at"], now)
    async with write_transaction():
        done = (
            await Signup.update(
                {
                    Signup.status: "completed",
                    Signup.checked_out_at: now,
                    Signup.minutes: minutes,
                    Signup.updated_at: now,
                }
            )
            .where((Signup.id == mine["id"]) & (Signup.status == "checked_in"))
            .returning(Signup.id)
        )
        if not done:
            raise WrongStatus("signup", (await signup_row(mine["id"]))["status"], "check out")
        await record(
            principal, "check_out", "signup", mine["id"], {"at": now, "minutes": minutes}, summary=activity["title"]
        )
    return await signup_out(principal, await signup_row(mine["id"]), False)


async def _managed_shift(principal: Principal, shift_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    shift, activity = await shift_and_activity(principal, shift_id)
    if not can_manage(principal, activity):
        raise Forbidden("Only the organisers take attendance")
    return shift, activity


async def mark_no_shows(principal: Principal, shift_id: int, signup_ids: list[int]) -> list[SignupOut]:
    shift, activity = await _managed_shift(principal, shift_id)
    if clock.now() < shift["starts_at"]:
        raise Conflict("The shift hasn't started yet", {"signup_ids": "not started"})
    async with write_transaction():
        done = (
            await Signup.update({Signup.status: "no_show", Signup.updated_at: clock.now()})
            .where(
                (Signup.shift == shift_id)
                & Signup.id.is_in(signup_ids)
                & Signup.status.is_in(["signed_up", "confirmed"])
            )
            .returning(Signup.id)
        )
        await record(
            principal, "no_show", "shift", shift_id, {"signups": [r["id"] for r in done]}, summary=activity["title"]
        )
    rows = await signup_select().where(Signup.id.is_in(signup_ids) & (Signup.shift == shift_id)).order_by(Signup.id)
    return [await signup_out(principal, r, True) for r in rows]


async def verify_hours(principal: Principal, shift_id: int, data: VerifyIn) -> VerifyOut:
    """Verify hours in bulk. An adjustment sets the hours (required for someone who never checked out)
    and needs a reason when it changes what check-in and check-out gave."""
    shift, activity = await _managed_shift(principal, shift_id)
    adjust = {a.signup_id: a for a in data.adjustments}
    wanted = set(data.signup_ids) | set(adjust)
    rows = (
        await signup_select()
        .where(
            (Signup.shift == shift_id) & Signup.verified_at.is_null() & Signup.status.is_in(["checked_in", "completed"])
        )
        .order_by(Signup.id)
    )
    if not data.all:
        rows = [r for r in rows if r["id"] in wanted]
    missing = wanted - {r["id"] for r in rows}
    if missing:
        raise Conflict(
            "Some signups can't be verified (not attended, or already verified)",
            {"signup_ids": ", ".join(map(str, sorted(missing)))},
        )
    plan: list[tuple[dict[str, Any], int, str]] = []
    errors: dict[str, str] = {}
    shift_minutes = int((shift["ends_at"] - shift["starts_at"]).total_seconds() // 60)
    for r in rows:
        a = adjust.get(r["id"])
        if a is None:
            if r["minutes"] is None:
                if data.all:
                    continue  # still checked in: left for the organiser to adjust
                errors[f"signup {r['id']}"] = "never checked out: give the hours"
                continue
            plan.append((r, r["minutes"], ""))
            continue
        minutes = round(a.hours * 60)
        if r["volunteer"] == principal.account_id and minutes != r["minutes"]:
            errors[f"signup {r['id']}"] = "nobody adjusts their own hours"
            continue
        if minutes > shift_minutes:
            errors[f"signup {r['id']}"] = "more hours than the shift lasts"
            continue
        if minutes != r["minutes"] and not a.reason.strip():
            errors[f"signup {r['id']}"] = "a changed value needs a reason"
            continue
        plan.append((r, minutes, a.reason.strip()))
    if errors:
        raise Invalid("Check the adjustments", errors)
    now = clock.now()
    verified_ids = []
    async with write_transaction():
        for r, minutes, reason in plan:
            done = (
                await Signup.update(
                    {
                        Signup.status: "completed",
                        Signup.minutes: minutes,
                        Signup.adjust_reason: reason,
                        Signup.verified_at: now,
                        Signup.verified_by: principal.account_id,
                        Signup.updated_at: now,
                    }
                )
                .where((Signup.id == r["id"]) & Signup.verified_at.is_null())
                .returning(Signup.id)
            )
            if not done:
                continue  # verified concurrently: once is enough
            await HoursRecord.insert(
                HoursRecord(
                    account=r["volunteer"],
                    kind="recorded",
                    signup=r["id"],
                    minutes=minutes,
                    served_on=shift["starts_at"],
                    reason=reason,
                    organization=activity["organizer"],
                    created_by=principal.account_id,
                    created_at=now,
                )
            )
            verified_ids.append(r["id"])
        await record(
            principal,
            "verify_hours",
            "shift",
            shift_id,
            {"signups": verified_ids, "adjusted": {str(r["id"]): [r["minutes"], m] for r, m, why in plan if why}},
            summary=activity["title"],
        )
    out = await signup_select().where(Signup.id.is_in(verified_ids)).order_by(Signup.id) if verified_ids else []
    return VerifyOut(verified=len(verified_ids), signups=[await signup_out(principal, r, True) for r in out])


async def shift_for_code(principal: Principal, shift_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The shift and activity behind a check-in page (its code comes from the QR code or is typed)."""
    return await shift_and_activity(principal, shift_id)


__all__ = ["NotFound", "activity_row"]
