"""Handing a delivery to a worker right away (by task name, so services need not import the tasks)."""

from __future__ import annotations

from jinlin.core.celery import celery_app

SEND_TASK = "jinlin.notifications.tasks.send_delivery"


def kick(delivery_ids: list[int]) -> None:
    """Queue deliveries for a worker now (services shape); embedded, the periodic loop sends them.

    Only queues: the sending itself never happens inside a request."""
    if celery_app.conf.task_always_eager:
        return
    for delivery_id in delivery_ids:
        celery_app.send_task(SEND_TASK, args=[delivery_id])
