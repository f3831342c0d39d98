"""Test fixtures shared by every ring of tests.

Database tests run on SQLite, and also on PostgreSQL when ``JINLIN_TEST_DATABASE_URL`` is set (CI
sets it). Each test gets its own database: a copy of a migrated SQLite template file, or a
PostgreSQL database cloned from a migrated template. The engine's pool is opened in the test's
own event loop, and the app is called through ``httpx.ASGITransport`` (STACK-NOTES.md).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The repository root too, ahead of tests/: otherwise tests/matching/ (no __init__) would be imported as a
# namespace package named ``matching`` instead of the matcher when pytest is run without ``python -m``.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support import PG_URL, REDIS_URL, ROOT, require_or_skip  # noqa: F401
from support import VAR as _VAR

os.environ.setdefault("JINLIN_VAR_DIR", str(_VAR))
os.environ.setdefault("JINLIN_SECRET_KEY", "test-secret-key-" + "x" * 32)
os.environ["JINLIN_DATABASE_URL"] = f"sqlite:///{_VAR / 'unused.db'}"
os.environ.pop("JINLIN_REDIS_URL", None)
os.environ.setdefault("PICCOLO_CONF", "jinlin.piccolo_conf")


from jinlin.core import clock, db


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [
        f"jinlin databases: sqlite{' + postgresql' if PG_URL else ' (set JINLIN_TEST_DATABASE_URL for postgresql)'}",
        f"jinlin celery: eager{' + real worker over redis' if REDIS_URL else ' (set JINLIN_TEST_REDIS_URL for a worker)'}",
    ]


def run_sync(coro):
    """``asyncio.run`` that also works while another event loop runs in this thread (sync Playwright's)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests last: the fast rings report first, and Playwright's loop starts as late as possible."""
    items.sort(key=lambda item: "/tests/browser/" in str(item.path))


async def _migrate(engine) -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    import jinlin.piccolo_conf  # noqa: F401

    db.bind(engine)
    await db.open_engine(engine)
    try:
        result = await run_forwards(app_name="jinlin", migration_id="all", fake=False)
        assert result.success, result.message
    finally:
        await db.close_engine(engine)


def _pg_admin_url(url: str, database: str = "postgres") -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"/{database}"))


def _pg_url_for(url: str, database: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{database}"))


async def _pg_exec(url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_pg_admin_url(url))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def sqlite_template() -> Iterator[Path]:
    _VAR.mkdir(parents=True, exist_ok=True)
    path = _VAR / "template.db"
    if path.exists():
        path.unlink()
    run_sync(_migrate(db.make_engine(f"sqlite:///{path}")))
    yield path
    shutil.rmtree(_VAR, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str | None]:
    if not PG_URL:
        yield None
        return
    name = f"jinlin_tmpl_{os.getpid()}"
    run_sync(_pg_exec(PG_URL, f'DROP DATABASE IF EXISTS "{name}"'))
    run_sync(_pg_exec(PG_URL, f'CREATE DATABASE "{name}"'))
    run_sync(_migrate(db.make_engine(_pg_url_for(PG_URL, name))))
    yield name
    run_sync(_pg_exec(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _db_params() -> list:
    return [
        pytest.param("sqlite", id="sqlite"),
        pytest.param(
            "postgres",
            id="postgres",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(
                    not PG_URL, reason="PostgreSQL tests need JINLIN_TEST_DATABASE_URL (.ci/run sets it)"
                ),
            ],
        ),
    ]


@pytest.fixture(params=_db_params())
def database_url(request: pytest.FixtureRequest, sqlite_template: Path, pg_template: str | None) -> Iterator[str]:
    """A fresh, migrated database for one test (its URL)."""
    if request.param == "sqlite":
        path = _VAR / f"t-{uuid.uuid4().hex}.db"
        shutil.copyfile(sqlite_template, path)
        yield f"sqlite:///{path}"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    assert PG_URL and pg_template
    name = f"jinlin_t_{uuid.uuid4().hex[:16]}"
    run_sync(_pg_exec(PG_URL, f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    yield _pg_url_for(PG_URL, name)
    run_sync(_pg_exec(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[object]:
    """The per-test database, bound to every table, its pool open in this test's loop."""
    eng = db.make_engine(database_url)
    async with db.lifespan_db(eng):
        yield eng


@pytest.fixture
def backend(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgres"


@pytest.fixture
async def app(engine: object):
    """One app for the session: it holds no database state (tables are bound per test), and building
    it (routes, OpenAPI, templates) costs more than most tests."""
    global _APP
    if _APP is None:
        from jinlin.app import create_app

        _APP = create_app(manage_database=False)
    return _APP


_APP = None


@pytest.fixture
async def client(app):
    import httpx

    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture(autouse=True)
def _real_clock() -> Iterator[None]:
    yield
    clock.set_clock(None)


class FrozenClock:
    """An injectable clock: ``clock.advance(hours=2)``."""

    def __init__(self, start) -> None:
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, **delta) -> None:
        from datetime import timedelta

        self.now = self.now + timedelta(**delta)


@pytest.fixture
def frozen_clock() -> FrozenClock:
    from datetime import UTC, datetime

    fc = FrozenClock(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    clock.set_clock(fc)
    return fc


# Argon2 is slow on purpose; tests hash dozens of passwords, so they use the cheapest parameters.
from argon2 import PasswordHasher  # noqa: E402

import jinlin.core.security as _security  # noqa: E402

_security._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
