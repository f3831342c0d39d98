"""Fixtures of the run tests: helpers importable as ``runs_data``, and a real Celery worker over Redis."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


from collections.abc import Iterator

import pytest
from workers import Workers, services_shape


@pytest.fixture
def celery_worker(database_url: str) -> Iterator[str]:
    """A real Celery worker (solo pool) on the test's PostgreSQL database and the test Redis.

    The test process is switched to the services shape for the test (``core.celery.configure``) and
    back afterwards. A queue of its own keeps other test sessions' workers from taking its tasks.
    Yields the queue name; the worker is always stopped.
    """
    with services_shape(database_url, {}) as workers:
        workers.start()
        yield workers.queue


from runs_data import REAPER_BOUND_S  # noqa: E402 - after the sys.path line above


@pytest.fixture
def killable_workers(database_url: str) -> Iterator[Workers]:
    """The services shape with a short reaper bound (``JINLIN_RUN_REAPER_BOUND_S``); the test starts
    (and kills) the workers itself."""
    with services_shape(database_url, {"JINLIN_RUN_REAPER_BOUND_S": str(REAPER_BOUND_S)}) as workers:
        yield workers
