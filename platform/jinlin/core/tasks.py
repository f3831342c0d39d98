"""Pruning what grows without bound: full rate buckets, dead login tokens and notifications read long ago.
The audit log is a ledger and stays."""

from __future__ import annotations

from datetime import timedelta

from jinlin.core import clock
from jinlin.core.celery import celery_app, run_body

# A revoked or expired token is kept a little while so a "why was I logged out" question can be answered.
TOKEN_GRACE = timedelta(days=7)
READ_NOTIFICATIONS_KEPT = timedelta(days=180)


async def prune_body() -> dict[str, int]:
    from jinlin.accounts.tables import AuthToken
    from jinlin.core import ratelimit
    from jinlin.notifications.tables import Notification

    now = clock.now()
    tokens = (
        await AuthToken.delete()
        .where((AuthToken.expires_at < now - TOKEN_GRACE) | (AuthToken.revoked_at < now - TOKEN_GRACE))
        .returning(AuthToken.id)
    )
    read = (
        await Notification.delete()
        .where(Notification.read_at < now - READ_NOTIFICATIONS_KEPT)
        .returning(Notification.id)
    )
    return {
        "rate_buckets": await ratelimit.prune(),
        "auth_tokens": len(tokens),
        "notifications": len(read),
    }


@celery_app.task(name="jinlin.core.tasks.prune", acks_late=True)
def prune() -> dict[str, int]:
    return run_body(prune_body)
