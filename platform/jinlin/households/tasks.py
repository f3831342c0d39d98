"""Background jobs of the grid's records: the retention sweep."""

from __future__ import annotations

from jinlin.core.celery import celery_app, run_body
from jinlin.households.retention import clear_expired


async def clear_expired_records_body() -> int:
    return await clear_expired()


@celery_app.task(name="jinlin.households.tasks.clear_expired_records", acks_late=True)
def clear_expired_records() -> int:
    return run_body(clear_expired_records_body)
