"""Fixtures of the import-job tests: a small background threshold, and real Celery workers over Redis."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pytest
from importdata import BACKGROUND_ROWS, REAPER_BOUND_S
from workers import Workers, services_shape


@pytest.fixture
def small_threshold(monkeypatch) -> int:
    from jinlin.imports import service

    monkeypatch.setattr(service, "background_rows", lambda: BACKGROUND_ROWS)
    return BACKGROUND_ROWS


@pytest.fixture
def killable_import_workers(database_url: str) -> Iterator[Workers]:
    """The services shape with a short reaper bound; the test starts (and kills) the workers itself."""
    with services_shape(database_url, {"JINLIN_RUN_REAPER_BOUND_S": str(REAPER_BOUND_S)}) as workers:
        yield workers
