"""Delivery to e-mail, SMS and robots: planning from the notifications outbox, sending with retries, digests.

- ``plan_pending`` claims undispatched notifications (one conditional update) and writes one ``Delivery`` per
  recipient and channel. The delivery's ``key`` is unique in the database, so planning twice plans once.
- ``send_delivery`` claims one queued delivery (queued → sending, conditional), sends it through its adapter
  and records the attempt. A duplicated or retried task finds nothing to claim and sends nothing.
- Temporary failures go back to ``queued`` with an exponential back-off in ``not_before``; permanent ones
  end as ``failed``. ``sweep`` re-queues what is due (back-offs, quiet hours, lost tasks).
- ``send_digests`` folds each account's ``digest`` deliveries of the day into one message per channel.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta
from typing import Any

from jinlin.accounts.tables import Membership
from jinlin.channels import robots as robot_adapters
from jinlin.channels.base import DeliveryError, PermanentFailure, TemporaryFailure
from jinlin.channels.registry import enabled_channels, person_channel
from jinlin.channels.settings import channel_settings
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.ratelimit import allow
from jinlin.notifications import choices, kinds, robots
from jinlin.notifications.messages import message_for
from jinlin.notifications.tables import ContactPoint, Delivery, DeliveryAttempt, Notification, Robot

log = logging.getLogger(__name__)

# A sanity bound: a notice older than this (the workers were down for a week) is not sent on any more.
STALE_AFTER = timedelta(days=7)
MAX_ATTEMPTS = 6
PLAN_BATCH = 500


def backoff_s(attempts: int) -> int:
    """30 s, 1 min, 2 min, 4 min … capped at an hour."""
    return min(30 * 2 ** max(attempts - 1, 0), 3600)


# ----------------------------------------------------------------------------------------------- planning


async def plan_pending() -> list[int]:
    """Plan deliveries for new notifications; returns the ids of deliveries to send now."""
    now = clock.now()
    rows = (
        await Notification.select()
        .where(Notification.dispatched_at.is_null() & (Notification.created_at >= now - STALE_AFTER))
        .order_by(Notification.id)
        .limit(PLAN_BATCH)
    )
    if not rows:
        return []
    ready: list[int] = []
    async with write_transaction():
        claimed = {
            r["id"]
            for r in await Notification.update({Notification.dispatched_at: now})
            .where(Notification.id.is_in([r["id"] for r in rows]) & Notification.dispatched_at.is_null())
            .returning(Notification.id)
        }
        for row in rows:
            if row["id"] in claimed:
                ready += await _plan_one(row, now)
    return ready


async def _recipients(row: dict[str, Any]) -> list[int]:
    if row["account"] is not None:
        return [row["account"]]
    members = await Membership.select(Membership.account).where(Membership.organization == row["organization"])
    return sorted({m["account"] for m in members})


async def _insert(delivery: Delivery) -> int | None:
    done = await Delivery.insert(delivery).on_conflict(action="DO NOTHING").returning(Delivery.id)
    return done[0]["id"] if done else None


async def _plan_one(row: dict[str, Any], now) -> list[int]:
    kind, nid = row["kind"], row["id"]
    urgent = kinds.is_urgent(kind, row["urgency"])
    available = set(enabled_channels())
    ready: list[int] = []
    accounts = await _recipients(row)
    contacts: defaultdict[int, dict[str, str]] = defaultdict(dict)
    if accounts and available:
        for c in await ContactPoint.select(ContactPoint.account, ContactPoint.channel, ContactPoint.address).where(
            ContactPoint.account.is_in(accounts) & ContactPoint.verified_at.is_not_null()
        ):
            contacts[c["account"]][c["channel"]] = c["address"]
    for account_id in accounts:
        if not contacts.get(account_id):
            continue  # no verified address: the bell only
        channels, digest = await choices.choice_for(account_id, kind, row["urgency"])
        for channel in channels:
            address = contacts[account_id].get(channel)
            if channel not in available or not address:
                continue
            status, not_before = "queued", None
            if digest and not urgent:
                status = "digest"
            elif (
                channel == "sms"
                and not urgent
                and choices.in_quiet_hours(now)
                and await choices.wants_quiet(account_id)
            ):
                not_before = choices.quiet_hours_end(now)
            new_id = await _insert(
                Delivery(
                    key=f"n{nid}:{channel}:a{account_id}",
                    notification=nid,
                    account=account_id,
                    kind=kind,
                    channel=channel,
                    recipient=choices.mask_address(channel, address),
                    status=status,
                    urgent=urgent,
                    not_before=not_before,
                    created_at=now,
                    updated_at=now,
                )
            )
            if new_id and status == "queued" and not_before is None:
                ready.append(new_id)
    if row["organization"] is not None:
        for robot in await Robot.select().where((Robot.organization == row["organization"]) & (Robot.active == True)):  # noqa: E712
            wanted = [k for k in robot["kinds"].split(",") if k]
            if wanted and kind not in wanted:
                continue
            new_id = await _insert(
                Delivery(
                    key=f"n{nid}:{robot['kind']}:r{robot['id']}",
                    notification=nid,
                    robot=robot["id"],
                    kind=kind,
                    channel=robot["kind"],
                    recipient=f"{robot['kind']} #{robot['id']}",
                    status="queued",
                    urgent=urgent,
                    created_at=now,
                    updated_at=now,
                )
            )
            if new_id:
                ready.append(new_id)
    return ready


# ------------------------------------------------------------------------------------------------ sending


async def _claim(delivery_id: int) -> dict[str, Any] | None:
    now = clock.now()
    rows = (
        await Delivery.update(
            {Delivery.status: "sending", Delivery.attempts: Delivery.attempts + 1, Delivery.updated_at: now}
        )
        .where(
            (Delivery.id == delivery_id)
            & (Delivery.status == "queued")
            & (Delivery.not_before.is_null() | (Delivery.not_before <= now))
        )
        .returning(*Delivery.all_columns())
    )
    return rows[0] if rows else None


async def _finish(
    row: dict[str, Any], outcome: str, *, provider_id: str = "", error: str = "", retry_in: int | None = None
) -> None:
    now = clock.now()
    values: dict[Any, Any] = {
        Delivery.updated_at: now,
        Delivery.provider_id: provider_id[:120],
        Delivery.error: error[:255],
    }
    if outcome == "sent":
        values |= {Delivery.status: "sent", Delivery.sent_at: now, Delivery.payload: ""}
    elif retry_in is not None:
        values |= {Delivery.status: "queued", Delivery.not_before: now + timedelta(seconds=retry_in)}
    else:
        values |= {Delivery.status: "failed", Delivery.payload: ""}
    if outcome == "throttled":  # not the provider's fault: the try does not count
        values[Delivery.attempts] = Delivery.attempts - 1
    async with write_transaction():
        await Delivery.update(values).where((Delivery.id == row["id"]) & (Delivery.status == "sending"))
        await DeliveryAttempt.insert(
            DeliveryAttempt(
                delivery=row["id"], at=now, outcome=outcome, provider_id=provider_id[:120], error=error[:255]
            )
        )


async def _address(row: dict[str, Any]) -> str:
    contact = (
        await ContactPoint.select(ContactPoint.address)
        .where(ContactPoint.key == f"{row['account']}:{row['channel']}")
        .first()
    )
    if contact is None:
        raise PermanentFailure("the address was removed")
    return contact["address"]


async def _rate_ok(row: dict[str, Any]) -> bool:
    s = channel_settings()
    per_hour = s.sms_per_recipient_per_hour if row["channel"] == "sms" else s.email_per_recipient_per_hour
    who = f"a{row['account']}" if row["account"] else f"r{row['robot']}"
    if row["robot"]:
        per_hour = 1200  # DingTalk allows 20 a minute per robot
    if row["kind"] != "verification_code" and not await allow(
        f"deliver:{row['channel']}:{who}", capacity=per_hour, per_seconds=3600
    ):
        return False
    return await allow(f"deliver:{row['channel']}", capacity=s.per_channel_per_minute, per_seconds=60)


async def send_delivery(delivery_id: int) -> int | None:
    """Send one delivery if it is still queued; returns seconds until a retry is due, or None."""
    row = await _claim(delivery_id)
    if row is None:
        return None  # sent already, being sent, not due, or no longer wanted
    if not await _rate_ok(row):
        await _finish(row, "throttled", error="rate limit", retry_in=60)
        return 60
    try:
        message = await message_for(row)
        if row["robot"]:
            robot = await Robot.select().where(Robot.id == row["robot"]).first()
            if robot is None or not robot["active"]:
                raise PermanentFailure("the robot was removed")
            token, secret = robots.credentials(robot)
            provider_id = await robot_adapters.robot(robot["kind"], channel_settings(), token, secret).send("", message)
        else:
            provider_id = await person_channel(row["channel"]).send(await _address(row), message)
    except TemporaryFailure as exc:
        if row["attempts"] >= MAX_ATTEMPTS:
            await _finish(row, "permanent", error=f"gave up after {row['attempts']} tries: {exc}")
            return None
        delay = backoff_s(row["attempts"])
        await _finish(row, "temporary", error=str(exc), retry_in=delay)
        log.info("delivery %s: temporary failure, retry in %s s", row["id"], delay)
        return delay
    except DeliveryError as exc:
        await _finish(row, "permanent", error=str(exc))
        log.info("delivery %s: failed for good", row["id"])
        return None
    await _finish(row, "sent", provider_id=provider_id)
    return None


INTERRUPTED_AFTER = timedelta(minutes=15)


async def give_up_interrupted() -> int:
    """A delivery left ``sending`` (its worker died mid-send) is marked failed, never sent again: the provider
    may already have delivered it, and twice is worse than a visible failure."""
    now = clock.now()
    done = (
        await Delivery.update(
            {
                Delivery.status: "failed",
                Delivery.updated_at: now,
                Delivery.payload: "",
                Delivery.error: "interrupted while sending; not retried (it may have gone out)",
            }
        )
        .where((Delivery.status == "sending") & (Delivery.updated_at < now - INTERRUPTED_AFTER))
        .returning(Delivery.id)
    )
    return len(done)


async def due_deliveries(limit: int = 200) -> list[int]:
    now = clock.now()
    rows = (
        await Delivery.select(Delivery.id)
        .where((Delivery.status == "queued") & (Delivery.not_before.is_null() | (Delivery.not_before <= now)))
        .order_by(Delivery.id)
        .limit(limit)
    )
    return [r["id"] for r in rows]


# ------------------------------------------------------------------------------------------------ digests


async def send_digests() -> list[int]:
    """Fold waiting digest deliveries into one per account and channel (once per China-time day)."""
    now = clock.now()
    # Each day's digest carries what came before that day's digest hour (China time).
    local = now.astimezone(clock.LOCAL_TZ)
    cutoff = local.replace(hour=channel_settings().digest_hour, minute=0, second=0, microsecond=0)
    if cutoff > local:
        cutoff -= timedelta(days=1)
    waiting = await Delivery.select(Delivery.id, Delivery.account, Delivery.channel, Delivery.recipient).where(
        (Delivery.status == "digest") & (Delivery.created_at <= cutoff)
    )
    groups: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for w in waiting:
        groups[(w["account"], w["channel"])].append(w)
    day = cutoff.strftime("%Y%m%d")
    ready = []
    for (account_id, channel), items in groups.items():
        async with write_transaction():
            digest_id = await _insert(
                Delivery(
                    key=f"digest:{day}:{channel}:a{account_id}",
                    account=account_id,
                    kind="digest",
                    channel=channel,
                    recipient=items[0]["recipient"],
                    status="queued",
                    created_at=now,
                    updated_at=now,
                )
            )
            if digest_id is None:
                continue  # today's digest went already; these wait for tomorrow's
            await Delivery.update(
                {Delivery.status: "digested", Delivery.digest: digest_id, Delivery.updated_at: now}
            ).where(Delivery.id.is_in([i["id"] for i in items]) & (Delivery.status == "digest"))
            ready.append(digest_id)
    return ready


# ------------------------------------------------------------------------------------------------ pruning

KEEP_FOR = timedelta(days=180)


async def prune() -> int:
    """Forget finished deliveries (and their attempts) after half a year: the log is for checking, not keeping."""
    cutoff = clock.now() - KEEP_FOR
    old = Delivery.status.is_in(["sent", "failed", "skipped", "digested"]) & (Delivery.updated_at < cutoff)
    async with write_transaction():
        ids = [r["id"] for r in await Delivery.select(Delivery.id).where(old).limit(5000)]
        if not ids:
            return 0
        await DeliveryAttempt.delete().where(DeliveryAttempt.delivery.is_in(ids))
        await Delivery.update({Delivery.digest: None}).where(Delivery.digest.is_in(ids))
        await Delivery.delete().where(Delivery.id.is_in(ids))
    return len(ids)
