"""Celery tasks of delivery: the outbox loop (plan, digests, sweep) and one task per delivery with retries."""

from __future__ import annotations

from jinlin.core.celery import celery_app, dispatch, run_body
from jinlin.notifications import delivery

MAX_RETRIES = delivery.MAX_ATTEMPTS


@celery_app.task(name="jinlin.notifications.tasks.send_delivery", bind=True, acks_late=True, max_retries=MAX_RETRIES)
def send_delivery(self, delivery_id: int) -> None:
    retry_in = run_body(send_delivery_body, delivery_id)
    if retry_in is not None:
        # Exponential back-off chosen by the body (the row's not_before says the same, for the sweep).
        raise self.retry(countdown=retry_in)


async def send_delivery_body(delivery_id: int) -> int | None:
    return await delivery.send_delivery(delivery_id)


@celery_app.task(name="jinlin.notifications.tasks.deliver_notifications", acks_late=True)
def deliver_notifications() -> int:
    return run_body(deliver_notifications_body)


async def deliver_notifications_body() -> int:
    """Plan new notifications, fold digests when due, and hand every due delivery to a sending task."""
    await delivery.give_up_interrupted()
    ready = await delivery.plan_pending()
    ready += await delivery.send_digests()
    due = list(dict.fromkeys(ready + await delivery.due_deliveries()))
    for delivery_id in due:
        await dispatch(send_delivery, send_delivery_body, delivery_id)
    return len(due)


@celery_app.task(name="jinlin.notifications.tasks.prune_deliveries", acks_late=True)
def prune_deliveries() -> int:
    return run_body(prune_deliveries_body)


async def prune_deliveries_body() -> int:
    return await delivery.prune()
