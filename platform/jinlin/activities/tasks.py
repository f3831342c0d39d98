"""Background jobs of activities: the day-before reminder (提醒) for every place on a shift.

Each signup is claimed with a conditional update (``reminded_at IS NULL``) in the same transaction
as its notification, so running the job twice, or in two processes at once, reminds nobody twice.
"""

from __future__ import annotations

from datetime import timedelta

from jinlin.activities.tables import Signup
from jinlin.core import clock
from jinlin.core.celery import celery_app, run_body
from jinlin.core.db import write_transaction
from jinlin.notifications.service import notify

REMIND_AHEAD = timedelta(hours=24)


async def send_shift_reminders_body() -> int:
    """Remind everyone holding a place on a shift that starts within the next 24 hours."""
    now = clock.now()
    due = (
        await Signup.select(
            Signup.id,
            Signup.volunteer,
            Signup.shift.id.as_alias("shift_id"),
            Signup.shift.starts_at.as_alias("starts_at"),
            Signup.shift.activity.id.as_alias("activity_id"),
            Signup.shift.activity.title.as_alias("title"),
            Signup.shift.activity.address.as_alias("address"),
        )
        .where(
            Signup.status.is_in(["signed_up", "confirmed"])
            & Signup.reminded_at.is_null()
            & (Signup.shift.starts_at > now)
            & (Signup.shift.starts_at <= now + REMIND_AHEAD)
            & (Signup.shift.activity.status == "published")
        )
        .order_by(Signup.id)
    )
    sent = 0
    for row in due:
        async with write_transaction():
            claimed = (
                await Signup.update({Signup.reminded_at: now})
                .where((Signup.id == row["id"]) & Signup.reminded_at.is_null())
                .returning(Signup.id)
            )
            if not claimed:
                continue
            local = row["starts_at"].astimezone(_local())
            await notify(
                kind="shift_reminder",
                title="Reminder: “{title}” starts {when} at {address}",
                account_id=row["volunteer"],
                params={"title": row["title"], "when": local.strftime("%m-%d %H:%M"), "address": row["address"]},
                link=f"/shifts/{row['shift_id']}/check-in",
                object_type="signup",
                object_id=row["id"],
            )
            sent += 1
    return sent


def _local():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Shanghai")


@celery_app.task(name="jinlin.activities.tasks.send_shift_reminders", acks_late=True)
def send_shift_reminders() -> int:
    return run_body(send_shift_reminders_body)
