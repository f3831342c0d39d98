"""Background jobs of accounts: pruning old login failures (the rate limit only looks at the last minute)."""

from __future__ import annotations

from datetime import timedelta

from jinlin.accounts.tables import LoginFailure
from jinlin.core import clock
from jinlin.core.celery import celery_app, run_body


async def prune_login_failures_body() -> int:
    cutoff = clock.now() - timedelta(hours=1)
    deleted = await LoginFailure.delete().where(LoginFailure.at < cutoff).returning(LoginFailure.id)
    return len(deleted)


@celery_app.task(name="jinlin.accounts.tasks.prune_login_failures", acks_late=True)
def prune_login_failures() -> int:
    return run_body(prune_login_failures_body)
