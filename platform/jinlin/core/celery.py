"""The Celery app: eager (in-process) without Redis, Redis broker and result backend with it.

Task bodies are ``async def`` functions that take ids. The web side in the embedded shape awaits
the body directly (``dispatch``): Celery's eager ``.delay()`` would run it inline inside the running
event loop, where a body that starts its own loop fails (STACK-NOTES.md). A worker process runs the
bodies on one event loop of its own, with the database pool opened after the fork.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager, suppress
from datetime import timedelta
from pathlib import Path
from typing import Any

from celery import Celery, Task
from celery.schedules import crontab, schedule
from celery.signals import worker_process_init, worker_process_shutdown

import jinlin
from jinlin.core.settings import Settings, get_settings

log = logging.getLogger(__name__)

# The one beat schedule. In the embedded shape the web process runs these itself (core.periodic).
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "prune": {"task": "jinlin.core.tasks.prune", "schedule": crontab(minute=17)},
    "shift-reminders": {"task": "jinlin.activities.tasks.send_shift_reminders", "schedule": crontab(minute="*/15")},
    "expire-stale-proposals": {"task": "jinlin.matches.tasks.expire_stale_proposals", "schedule": crontab(minute=5)},
    # E-mail, SMS and robots: a notice reaches people within a minute (docs/notifications.md).
    "deliver-notifications": {
        "task": "jinlin.notifications.tasks.deliver_notifications",
        "schedule": schedule(timedelta(seconds=20)),
    },
    "prune-deliveries": {"task": "jinlin.notifications.tasks.prune_deliveries", "schedule": crontab(hour=3, minute=40)},
    "report-deadlines": {"task": "jinlin.resident_reports.tasks.enforce_deadlines", "schedule": crontab(minute="*/5")},
    # A quarter of the reaper's bound: a dead worker's run is retried within about 1.25 bounds.
    "reap-stale-runs": {
        "task": "jinlin.runs.tasks.reap_stale_runs",
        "schedule": schedule(timedelta(seconds=max(1.0, get_settings().run_reaper_bound_s / 4))),
    },
    # Import jobs whose worker died go back to the queue (or fail) on the same bound as runs.
    "reap-stale-imports": {
        "task": "jinlin.imports.tasks.reap_stale_imports",
        "schedule": schedule(timedelta(seconds=max(1.0, get_settings().run_reaper_bound_s / 4))),
    },
    # Areas that switched the monthly supervision report on get last month's on the 1st (China time).
    "monthly-supervision-reports": {
        "task": "jinlin.supervision.tasks.monthly_reports",
        "schedule": crontab(minute=30, hour=6, day_of_month=1),
    },
    "clear-moved-out-residents": {
        "task": "jinlin.households.tasks.clear_expired_records",
        "schedule": crontab(minute=50, hour=3),
    },
}


def _task_modules() -> list[str]:
    root = Path(jinlin.__file__).parent
    return sorted(f"jinlin.{p.name}.tasks" for p in root.iterdir() if (p / "tasks.py").exists())


def _shape(settings: Settings) -> dict[str, Any]:
    """The settings-dependent part of the configuration: broker, result backend, eager or not."""
    return {
        "broker_url": settings.redis_url or "memory://",
        "result_backend": settings.redis_url or "cache+memory://",
        "task_always_eager": settings.celery_eager,
        # Late acknowledgement: a message whose worker died unacknowledged goes back to the queue after
        # this long (Redis). Every task is safe to run twice; the reaper covers what this misses.
        "broker_transport_options": {"visibility_timeout": settings.run_reaper_bound_s},
    }


def make_celery() -> Celery:
    settings = get_settings()
    app = Celery("jinlin")
    app.conf.update(
        **_shape(settings),
        task_eager_propagates=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        timezone="Asia/Shanghai",
        enable_utc=True,
        beat_schedule=BEAT_SCHEDULE,
        broker_connection_retry_on_startup=True,
    )
    app.conf.imports = _task_modules()
    return app


celery_app = make_celery()


def configure(settings: Settings) -> Celery:
    """Point the one Celery app at ``settings`` (tests that drive a real worker switch shapes with it)."""
    celery_app.conf.update(**_shape(settings))
    # Connections and backends are cached per configuration; drop them so the new URLs take effect.
    celery_app._local.__dict__.pop("backend", None)
    # (Not closed: kombu keeps producer pools per URL globally, and a later switch back reuses them.)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    return celery_app


_loop: asyncio.AbstractEventLoop | None = None


def worker_loop() -> asyncio.AbstractEventLoop:
    global _loop
    if _loop is None or _loop.is_closed():
        _loop = asyncio.new_event_loop()
    return _loop


TRANSIENT_RETRIES = 5
BACKOFF_S = 0.5  # doubled after each failed attempt: 0.5, 1, 2, 4, 8 s


async def with_retries(body: Callable[..., Awaitable[Any]], *args: Any) -> Any:
    """Await ``body``, trying again with exponential back-off after a transient database error (a
    dropped connection, a busy SQLite file): task bodies are safe to run twice."""
    from jinlin.core.db import is_transient

    for attempt in range(TRANSIENT_RETRIES + 1):
        try:
            return await body(*args)
        except Exception as exc:
            if attempt == TRANSIENT_RETRIES or not is_transient(exc):
                raise
            log.warning("transient database error in %s; retrying", getattr(body, "__name__", body), exc_info=True)
            await asyncio.sleep(BACKOFF_S * 2**attempt)


def run_body(body: Callable[..., Coroutine[Any, Any, Any]], *args: Any) -> Any:
    """Run an async task body to completion from a (sync) Celery task in a worker (transient database
    errors retried with back-off)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return worker_loop().run_until_complete(with_retries(body, *args))
    raise RuntimeError("run_body called inside a running loop; await the body instead (see dispatch)")


@worker_process_init.connect
def _open_database(**_: Any) -> None:
    from jinlin.core import db

    engine = db.make_engine(get_settings().database_url)
    db.bind(engine)
    worker_loop().run_until_complete(db.open_engine(engine))


@worker_process_shutdown.connect
def _close_database(**_: Any) -> None:
    from jinlin.core import db

    if _loop is not None and not _loop.is_closed():
        _loop.run_until_complete(db.close_engine(db.get_engine()))


async def dispatch(task: Task, body: Callable[..., Awaitable[Any]], *args: Any) -> str | None:
    """Start a background job: queue ``task`` for a worker, or await ``body`` here when eager."""
    if celery_app.conf.task_always_eager:
        await body(*args)
        return None
    return task.delay(*args).id


def heartbeat_every_s() -> float:
    """A quarter of the reaper's bound: a worker that is alive never looks dead."""
    return get_settings().run_reaper_bound_s / 4


@asynccontextmanager
async def beating(beat: Callable[[], Awaitable[None]], label: str) -> AsyncIterator[None]:
    """Call ``beat`` (which freshens a row's ``updated_at``) every ``heartbeat_every_s()`` while the block
    works; a worker killed mid-block stops beating, and a reaper that finds the row quiet for the bound
    takes the worker for dead (runs, import jobs)."""

    async def loop() -> None:
        while True:
            await asyncio.sleep(heartbeat_every_s())
            try:
                await beat()
            except Exception:  # a missed beat is not fatal; the next one may land
                log.warning("heartbeat of %s failed", label, exc_info=True)

    async with alongside(loop):
        yield


@asynccontextmanager
async def alongside(work: Callable[[], Coroutine[Any, Any, None]]) -> AsyncIterator[None]:
    """Run ``work`` as a task of this event loop while the block runs; cancel it when the block ends."""
    task = asyncio.get_running_loop().create_task(work())
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task


def stale_before(bound_s: float | None = None) -> Any:
    """Rows whose heartbeat is older than this belong to a dead worker (``bound_s`` defaults to the setting)."""
    from jinlin.core import clock

    return clock.now() - timedelta(seconds=bound_s if bound_s is not None else get_settings().run_reaper_bound_s)


async def reap_each(
    quiet: list[dict[str, Any]], reap_one: Callable[[dict[str, Any]], Awaitable[bool]], what: str
) -> list[int]:
    """One reaper pass over rows found quiet: ``reap_one`` each, one row's trouble never stopping the others.
    Answers the ids acted on."""
    acted = []
    for row in quiet:
        try:
            if await reap_one(row):
                acted.append(row["id"])
        except Exception:
            log.exception("reaping %s %s failed", what, row["id"])
    return acted


def load_tasks() -> None:
    for name in _task_modules():
        importlib.import_module(name)
