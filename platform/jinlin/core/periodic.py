"""Periodic jobs in the embedded shape: without Redis there is no Celery beat, so the web process
runs the bodies of ``BEAT_SCHEDULE`` itself on an asyncio timer (started from the app's lifespan).

A task named ``jinlin.<feature>.tasks.<name>`` has its async body at ``jinlin.<feature>.tasks.<name>_body``
(the convention every tasks module follows). The bodies are safe to run twice, so a second web
process doing the same is harmless.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from jinlin.core.celery import BEAT_SCHEDULE

log = logging.getLogger(__name__)
TICK_S = 30.0


def body_for(task_name: str) -> Callable[[], Awaitable[Any]]:
    module_name, _, name = task_name.rpartition(".")
    return getattr(importlib.import_module(module_name), f"{name}_body")


def next_run(schedule: Any, last_run: datetime) -> datetime:
    """When a schedule next fires after ``last_run`` (a crontab, or a plain interval)."""
    if hasattr(schedule, "remaining_delta"):
        start, ends_in, _ = schedule.remaining_delta(last_run)
        return start + ends_in
    return last_run + schedule.run_every


def due(schedule: Any, last_run: datetime, now: datetime) -> bool:
    return next_run(schedule, last_run) <= now


async def run_due(last_runs: dict[str, datetime], now: Callable[[], datetime]) -> list[str]:
    """Run every entry whose schedule says it is due since its last run; returns the names run."""
    ran = []
    for name, entry in BEAT_SCHEDULE.items():
        last = last_runs.setdefault(name, now())
        if not due(entry["schedule"], last, now()):
            continue
        last_runs[name] = now()
        try:
            await body_for(entry["task"])()
            ran.append(name)
        except Exception:  # one failing job must not stop the others or the timer
            log.exception("periodic job %s failed", name)
    return ran


async def run_forever(tick_s: float = TICK_S) -> None:
    from jinlin.core import clock

    last_runs: dict[str, datetime] = {}
    while True:
        await run_due(last_runs, clock.now)
        await asyncio.sleep(tick_s)


@asynccontextmanager
async def periodic_lifespan(enabled: bool) -> AsyncIterator[None]:
    """Run the timer while the app runs (only when Celery is eager: otherwise beat does this)."""
    from jinlin.core.celery import alongside, celery_app

    if not enabled or not celery_app.conf.task_always_eager:
        yield
        return
    async with alongside(run_forever):
        yield
