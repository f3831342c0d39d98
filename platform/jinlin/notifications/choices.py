"""Per-person choices: channels per kind, digests, quiet hours, verified addresses, one-step unsubscribing."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, time, timedelta
from typing import Any

from piccolo.columns import Column

from jinlin.accounts.tables import Account, Membership
from jinlin.audit.service import record
from jinlin.auth.principal import Principal
from jinlin.channels.registry import PERSON_CHANNELS, enabled_channels
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import Conflict, Invalid, RateLimited
from jinlin.core.ratelimit import allow
from jinlin.core.security import mask_phone
from jinlin.core.settings import get_settings
from jinlin.notifications import kinds
from jinlin.notifications.outbox import kick
from jinlin.notifications.tables import ContactPoint, Delivery, DeliveryProfile, Preference

CODE_TTL = timedelta(minutes=10)
CODE_ATTEMPTS = 5
QUIET_FROM, QUIET_UNTIL = time(22, 0), time(7, 0)
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")  # mainland mobile numbers


# ---------------------------------------------------------------------------------------------- addresses


def mask_address(channel: str, address: str) -> str:
    if channel == "sms":
        return mask_phone(address)
    if channel == "email":
        user, _, domain = address.partition("@")
        return f"{user[:1]}***@{domain}"
    return address


def _normalise(channel: str, address: str) -> str:
    address = address.strip()
    if "\x00" in address:
        raise Invalid("Check the highlighted fields", {"address": "must not contain NUL characters"})
    if channel == "email":
        if not EMAIL_RE.match(address) or len(address) > 120:
            raise Invalid("Invalid e-mail address", {"address": "not an e-mail address"})
        return address.lower()
    if channel == "sms":
        digits = address.removeprefix("+86").replace(" ", "").replace("-", "")
        if not PHONE_RE.match(digits):
            raise Invalid("Invalid mobile number", {"address": "not a mainland mobile number (11 digits)"})
        return digits
    raise Invalid("Unknown channel", {"channel": f"one of {', '.join(PERSON_CHANNELS)}"})


def _code_hash(code: str, contact_key: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"verify:{contact_key}:{code}".encode(), hashlib.sha256).hexdigest()


async def list_contacts(principal: Principal) -> list[dict[str, Any]]:
    rows = await ContactPoint.select(
        ContactPoint.id, ContactPoint.channel, ContactPoint.address, ContactPoint.verified_at
    ).where(ContactPoint.account == principal.account_id)
    return [
        {
            "id": r["id"],
            "channel": r["channel"],
            "address": mask_address(r["channel"], r["address"]),
            "verified": r["verified_at"] is not None,
        }
        for r in rows
    ]


async def start_verification(principal: Principal, channel: str, address: str) -> dict[str, Any]:
    """Store the address unverified and queue a code to it; the code is checked by ``verify``."""
    address = _normalise(channel, address)
    if channel not in enabled_channels():
        raise Conflict("This channel is not set up on this server", {"channel": channel}, code="channel_disabled")
    if not (
        await allow(f"verify:account:{principal.account_id}", capacity=5, per_seconds=3600)
        and await allow(f"verify:address:{address}", capacity=3, per_seconds=3600)
    ):
        raise RateLimited("Too many codes requested; try again later", {"address": "too many codes"})
    code = f"{secrets.randbelow(1_000_000):06d}"
    key = f"{principal.account_id}:{channel}"
    now = clock.now()
    async with write_transaction():
        existing = await ContactPoint.select(ContactPoint.id).where(ContactPoint.key == key).first()
        values: dict[Column | str, Any] = {
            ContactPoint.address: address,
            ContactPoint.verified_at: None,
            ContactPoint.code_attempts: 0,
            ContactPoint.code_hash: _code_hash(code, key),
            ContactPoint.code_expires_at: now + CODE_TTL,
        }
        if existing:
            await ContactPoint.update(values).where(ContactPoint.id == existing["id"])
            contact_id = existing["id"]
        else:
            row = ContactPoint(
                account=principal.account_id,
                channel=channel,
                key=key,
                address=address,
                code_hash=values[ContactPoint.code_hash],
                code_expires_at=now + CODE_TTL,
            )
            await row.save()
            contact_id = row.id
        # The code travels in the delivery row until sent (then cleared): sending is never inline.
        code_delivery = await Delivery.insert(
            Delivery(
                key=f"verify:{contact_id}:{secrets.token_hex(6)}",
                account=principal.account_id,
                kind="verification_code",
                channel=channel,
                recipient=mask_address(channel, address),
                status="queued",
                urgent=True,
                payload=code,
                created_at=now,
                updated_at=now,
            )
        ).returning(Delivery.id)
        await record(
            principal,
            "start_verification",
            "contact_point",
            contact_id,
            {"channel": channel, "address": mask_address(channel, address)},
        )
    kick([code_delivery[0]["id"]])
    return {"id": contact_id, "channel": channel, "address": mask_address(channel, address), "verified": False}


async def verify(principal: Principal, channel: str, code: str) -> dict[str, Any]:
    key = f"{principal.account_id}:{channel}"
    now = clock.now()
    async with write_transaction():
        row = await ContactPoint.select().where(ContactPoint.key == key).first()
        if row is None or not row["code_hash"]:
            raise Conflict("No code is waiting for this channel", {"channel": channel}, code="no_code")
        if row["code_attempts"] >= CODE_ATTEMPTS or (row["code_expires_at"] and row["code_expires_at"] < now):
            raise Conflict("The code has expired; ask for a new one", {"code": "expired"}, code="code_expired")
        if not hmac.compare_digest(row["code_hash"], _code_hash(code.strip(), key)):
            await ContactPoint.update({ContactPoint.code_attempts: ContactPoint.code_attempts + 1}).where(
                ContactPoint.id == row["id"]
            )
            raise Invalid("Wrong code", {"code": "wrong verification code"})
        await ContactPoint.update(
            {ContactPoint.verified_at: now, ContactPoint.code_hash: "", ContactPoint.code_expires_at: None}
        ).where(ContactPoint.id == row["id"])
        await record(principal, "verify", "contact_point", row["id"], {"channel": channel})
    return {"id": row["id"], "channel": channel, "address": mask_address(channel, row["address"]), "verified": True}


# ------------------------------------------------------------------------------------------- preferences


async def roles_of(account_id: int) -> frozenset[str]:
    rows = await Membership.select(Membership.role).where(Membership.account == account_id)
    return frozenset(r["role"] for r in rows)


async def preferences(principal: Principal) -> dict[str, Any]:
    stored = {r["kind"]: r for r in await Preference.select().where(Preference.account == principal.account_id)}
    profile = await DeliveryProfile.select().where(DeliveryProfile.account == principal.account_id).first()
    out = []
    for kind in kinds.KINDS:
        if kind in stored:
            channels = tuple(c for c in stored[kind]["channels"].split(",") if c)
            digest, chosen = stored[kind]["digest"], True
        else:
            (channels, digest), chosen = kinds.defaults_for(kind, principal.roles), False
        out.append(
            {"kind": kind, "label": kinds.label(kind), "channels": list(channels), "digest": digest, "chosen": chosen}
        )
    return {
        "kinds": out,
        "quiet_hours": profile["quiet_hours"] if profile else True,
        "available_channels": enabled_channels(),
    }


async def set_preferences(principal: Principal, items: list[dict[str, Any]], quiet_hours: bool | None) -> None:
    for item in items:
        if item["kind"] not in kinds.KINDS:
            raise Invalid("Unknown notification kind", {"kind": f"unknown kind {item['kind']!r}"})
        bad = [c for c in item["channels"] if c not in PERSON_CHANNELS]
        if bad:
            raise Invalid("Unknown channel", {"channels": f"unknown channel {bad[0]!r}"})
    async with write_transaction():
        for item in items:
            await _store_preference(principal.account_id, item["kind"], item["channels"], item["digest"])
        if quiet_hours is not None:
            await _store_profile(principal.account_id, quiet_hours)
        await record(
            principal,
            "update",
            "delivery_preferences",
            principal.account_id,
            {"kinds": [i["kind"] for i in items], "quiet_hours": quiet_hours},
        )


async def _store_preference(account_id: int, kind: str, channels: list[str], digest: bool) -> None:
    key = f"{account_id}:{kind}"
    value = ",".join(c for c in PERSON_CHANNELS if c in channels)
    updated = (
        await Preference.update(
            {Preference.channels: value, Preference.digest: digest, Preference.updated_at: clock.now()}
        )
        .where(Preference.key == key)
        .returning(Preference.id)
    )
    if not updated:
        await Preference.insert(
            Preference(account=account_id, kind=kind, key=key, channels=value, digest=digest, updated_at=clock.now())
        )


async def _store_profile(account_id: int, quiet_hours: bool) -> None:
    updated = (
        await DeliveryProfile.update({DeliveryProfile.quiet_hours: quiet_hours})
        .where(DeliveryProfile.account == account_id)
        .returning(DeliveryProfile.id)
    )
    if not updated:
        await DeliveryProfile.insert(DeliveryProfile(account=account_id, quiet_hours=quiet_hours))


async def choice_for(account_id: int, kind: str, urgency: str = "") -> tuple[tuple[str, ...], bool]:
    row = await Preference.select().where(Preference.key == f"{account_id}:{kind}").first()
    if row:
        return tuple(c for c in row["channels"].split(",") if c), row["digest"]
    return kinds.defaults_for(kind, await roles_of(account_id), urgency)


# ----------------------------------------------------------------------------------------- quiet hours


def in_quiet_hours(moment: datetime) -> bool:
    local = moment.astimezone(clock.LOCAL_TZ).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def quiet_hours_end(moment: datetime) -> datetime:
    """The next 07:00 China time at or after ``moment``."""
    local = moment.astimezone(clock.LOCAL_TZ)
    end = local.replace(hour=QUIET_UNTIL.hour, minute=0, second=0, microsecond=0)
    if end <= local:
        end += timedelta(days=1)
    return end


async def wants_quiet(account_id: int) -> bool:
    row = await DeliveryProfile.select(DeliveryProfile.quiet_hours).where(DeliveryProfile.account == account_id).first()
    return row["quiet_hours"] if row else True


# ------------------------------------------------------------------------------------------ unsubscribe


def unsubscribe_token(account_id: int, kind: str, channel: str) -> str:
    payload = f"{account_id}.{kind}.{channel}"
    sig = hmac.new(get_settings().secret_key.encode(), f"unsubscribe:{payload}".encode(), hashlib.sha256)
    return f"{payload}.{sig.hexdigest()[:32]}"


def read_unsubscribe_token(token: str) -> tuple[int, str, str]:
    parts = token.split(".")
    if len(token) > 200 or len(parts) != 4 or not (parts[0].isascii() and parts[0].isdigit()) or len(parts[0]) > 18:
        raise Invalid("Invalid unsubscribe link", {"token": "malformed"})
    account_id, kind, channel = int(parts[0]), parts[1], parts[2]
    if not hmac.compare_digest(unsubscribe_token(account_id, kind, channel), token):
        raise Invalid("Invalid unsubscribe link", {"token": "bad signature"})
    return account_id, kind, channel


async def unsubscribe(token: str) -> dict[str, Any]:
    """One step, no login: the signed link names the account, the kind and the channel."""
    account_id, kind, channel = read_unsubscribe_token(token)
    if not await Account.exists().where(Account.id == account_id):
        raise Invalid("Invalid unsubscribe link", {"token": "unknown account"})
    channels, digest = await choice_for(account_id, kind)
    async with write_transaction():
        await _store_preference(account_id, kind, [c for c in channels if c != channel], digest)
        # Anything of this kind still waiting for this channel stays unsent.
        await Delivery.update(
            {Delivery.status: "skipped", Delivery.error: "unsubscribed", Delivery.updated_at: clock.now()}
        ).where(
            (Delivery.account == account_id)
            & (Delivery.kind == kind)
            & (Delivery.channel == channel)
            & Delivery.status.is_in(["queued", "digest"])
        )
        from types import SimpleNamespace

        await record(
            SimpleNamespace(account_id=account_id, username=""),
            "unsubscribe",
            "delivery_preferences",
            account_id,
            {"kind": kind, "channel": channel},
        )
    return {"kind": kind, "label": kinds.label(kind), "channel": channel}
