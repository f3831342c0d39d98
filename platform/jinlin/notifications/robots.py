"""Organisations' work-chat robots: configured by the organisation's own admins or liaisons; secrets never
leave the database except towards the chat provider. The webhook token and signing secret are sealed at rest
with the residents' records' keyring (AES-GCM, ``core.crypto``; ``jinlin pii rotate-key`` re-seals
them) and opened only by ``credentials`` when a message goes out, and by ``_out`` for the token's last
characters."""

from __future__ import annotations

from typing import Any

from jinlin.audit.service import record
from jinlin.auth.principal import Principal
from jinlin.channels.base import PermanentFailure
from jinlin.channels.robots import ROBOT_KINDS
from jinlin.core import clock
from jinlin.core.crypto import UndecryptableValue, keyring
from jinlin.core.db import write_transaction
from jinlin.core.errors import Invalid, NotFound
from jinlin.notifications.tables import Delivery, Robot

MANAGERS = frozenset({"county_admin", "street_admin", "community_admin", "unit_liaison", "team_leader"})


def _check(principal: Principal, organization_id: int) -> None:
    if not principal.acts_for(organization_id, MANAGERS):
        raise NotFound("Organization not found")


def credentials(row: dict[str, Any]) -> tuple[str, str]:
    """A robot row's (token, secret) in clear, for the adapter that posts to the chat provider."""
    ring = keyring()
    try:
        return ring.decrypt(row["token_enc"]), ring.decrypt(row["secret_enc"])
    except UndecryptableValue as exc:  # a key dropped from JINLIN_PII_KEY too early: no retry will help
        raise PermanentFailure("the robot's token can't be opened with JINLIN_PII_KEY") from exc


def _out(row: dict[str, Any]) -> dict[str, Any]:
    # The token and the secret stay out: only whether they are set, and the token's last characters.
    token = keyring().decrypt(row["token_enc"])
    return {
        "id": row["id"],
        "organization_id": row["organization"],
        "kind": row["kind"],
        "token_hint": "…" + token[-4:] if len(token) > 8 else "…",
        "signed": bool(row["secret_enc"]),
        "kinds": [k for k in row["kinds"].split(",") if k],
        "active": row["active"],
        "created_at": row["created_at"],
    }


async def list_robots(principal: Principal, organization_id: int) -> list[dict[str, Any]]:
    _check(principal, organization_id)
    rows = await Robot.select().where((Robot.organization == organization_id) & (Robot.active == True))  # noqa: E712
    return [_out(r) for r in rows]


async def add_robot(
    principal: Principal, organization_id: int, kind: str, token: str, secret: str, notice_kinds: list[str]
) -> dict[str, Any]:
    _check(principal, organization_id)
    if kind not in ROBOT_KINDS:
        raise Invalid("Unknown robot", {"kind": f"one of {', '.join(ROBOT_KINDS)}"})
    token = token.strip()
    if not token or len(token) > 200 or any(c.isspace() or c == "\x00" for c in token):
        raise Invalid("Invalid webhook token", {"token": "the key/access_token/hook id shown by the chat app"})
    if len(secret) > 200 or "\x00" in secret:
        raise Invalid("Invalid secret", {"secret": "at most 200 characters"})
    if kind in ("dingtalk", "feishu") and not secret.strip():
        raise Invalid("A signing secret is required", {"secret": "signing (加签/签名校验) is required"})
    async with write_transaction():
        row = Robot(
            organization=organization_id,
            kind=kind,
            token_enc=keyring().encrypt(token),
            secret_enc=keyring().encrypt(secret.strip()),
            kinds=",".join(notice_kinds)[:500],
            created_at=clock.now(),
        )
        await row.save()
        await record(principal, "create", "robot", row.id, {"kind": kind, "organization_id": organization_id})
    return _out((await Robot.select().where(Robot.id == row.id))[0])


async def remove_robot(principal: Principal, organization_id: int, robot_id: int) -> None:
    _check(principal, organization_id)
    async with write_transaction():
        done = (
            await Robot.update({Robot.active: False})
            .where(
                (Robot.id == robot_id) & (Robot.organization == organization_id) & (Robot.active == True)  # noqa: E712
            )
            .returning(Robot.id)
        )
        if not done:
            raise NotFound("Robot not found")
        await Delivery.update({Delivery.status: "skipped", Delivery.error: "robot removed"}).where(
            (Delivery.robot == robot_id) & (Delivery.status == "queued")
        )
        await record(principal, "delete", "robot", robot_id, {"active": [True, False]})
