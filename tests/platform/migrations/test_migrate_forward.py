"""A database created by the previous release's migrations (the first one) migrates forward to the
current schema with its data kept, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from piccolo.apps.migrations.commands.forwards import run_forwards

from jinlin.areas.tables import Area
from jinlin.core import clock, db
from jinlin.runs.tables import MatchRun, RunPart
from support import PG_URL, VAR

PREVIOUS_RELEASE = "2026-11-27T19:41:10:782109"  # jinlin_2026_11_27t19_41_10_782109.py


async def _columns(engine) -> dict[str, set[str]]:
    if db.is_sqlite(engine):
        tables = await engine.run_querystring(_qs("SELECT name FROM sqlite_master WHERE type = 'table'"))
        out = {}
        for t in tables:
            rows = await engine.run_querystring(_qs(f'PRAGMA table_info("{t["name"]}")'))
            out[t["name"]] = {r["name"] for r in rows}
        return out
    rows = await engine.run_querystring(
        _qs("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'")
    )
    out: dict[str, set[str]] = {}
    for r in rows:
        out.setdefault(r["table_name"], set()).add(r["column_name"])
    return out


def _pg_url_for(name: str) -> str:
    assert PG_URL
    return urlunparse(urlparse(PG_URL)._replace(path=f"/{name}"))


async def _pg_exec(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_pg_url_for("postgres"))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _qs(sql: str):
    from piccolo.querystring import QueryString

    return QueryString(sql)


async def _migrate(engine, migration_id: str) -> None:
    import jinlin.piccolo_conf  # noqa: F401

    db.bind(engine)
    result = await run_forwards(app_name="jinlin", migration_id=migration_id, fake=False)
    assert result.success, result.message


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgres", marks=pytest.mark.skipif(not PG_URL, reason="PostgreSQL tests need JINLIN_TEST_DATABASE_URL")
        ),
    ]
)
def empty_database(request):
    if request.param == "sqlite":
        VAR.mkdir(parents=True, exist_ok=True)
        path = VAR / f"old-{uuid.uuid4().hex}.db"
        yield f"sqlite:///{path}"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = f"jinlin_old_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_exec(f'CREATE DATABASE "{name}"'))
    yield _pg_url_for(name)
    asyncio.run(_pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _current_schema(url: str) -> dict[str, set[str]]:
    fresh = db.make_engine(url)
    await db.open_engine(fresh)
    try:
        await _migrate(fresh, "all")
        return await _columns(fresh)
    finally:
        await db.close_engine(fresh)


async def test_a_database_of_the_previous_release_migrates_forward_with_its_data_kept(empty_database):
    old = db.make_engine(empty_database)
    await db.open_engine(old)
    try:
        await _migrate(old, PREVIOUS_RELEASE)
        before = await _columns(old)
        assert "match_run" in before and "run_part" not in before
        now = clock.now()
        area = Area(name="老县城", level="county", path="/", created_at=now, updated_at=now)
        await area.save()
        await Area.update({Area.path: f"/{area.id}/"}).where(Area.id == area.id)
        await old.run_querystring(
            _qs_args(
                "INSERT INTO match_run (kind, area, area_path, options, status, progress, phase, parts_total, parts_done,"
                " solver_status, stats, result, proposals, error, task_id, created_at, updated_at) VALUES"
                " ('allocation', {}, {}, {}, 'succeeded', 1.0, 'done', 1, 1, 'optimal', {}, {}, 3, '', '', {}, {})",
                area.id,
                f"/{area.id}/",
                "{}",
                "{}",
                "{}",
                now,
                now,
            )
        )

        await _migrate(old, "all")

        kept = await MatchRun.select().where(MatchRun.area == area.id).first()
        assert kept is not None and kept["status"] == "succeeded" and kept["proposals"] == 3
        assert kept["attempts"] == 0  # a column added since, with its default
        assert (await Area.select(Area.name).where(Area.id == area.id).first())["name"] == "老县城"
        await RunPart.insert(RunPart(run=kept["id"], position=0, document={"kind": "allocation"}))
        assert await RunPart.count().where(RunPart.run == kept["id"]) == 1
        migrated = await _columns(old)
    finally:
        await db.close_engine(old)

    fresh_url = empty_database.replace("old-", "fresh-") if empty_database.startswith("sqlite") else None
    if fresh_url is None:
        name = f"jinlin_fresh_{uuid.uuid4().hex[:12]}"
        await _pg_exec(f'CREATE DATABASE "{name}"')
        try:
            current = await _current_schema(_pg_url_for(name))
        finally:
            await _pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        try:
            current = await _current_schema(fresh_url)
        finally:
            Path(fresh_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    assert migrated == current


def _qs_args(sql: str, *args):
    from piccolo.querystring import QueryString

    return QueryString(sql, *args)


BEFORE_SEALED_ROBOTS = "2026-11-29T21:56:00:000000"  # the last migration with robots' tokens in clear


async def test_robots_tokens_stored_in_clear_are_sealed_by_the_migration(empty_database):
    from jinlin.core.crypto import keyring
    from jinlin.notifications.robots import credentials
    from jinlin.notifications.tables import Robot

    old = db.make_engine(empty_database)
    await db.open_engine(old)
    try:
        await _migrate(old, BEFORE_SEALED_ROBOTS)
        now = clock.now()
        area = Area(name="老县城", level="county", path="/", created_at=now, updated_at=now)
        await area.save()
        await old.run_querystring(
            _qs_args(
                "INSERT INTO organization (name, kind, area, contact_name, contact_phone, description, created_at,"
                " updated_at) VALUES ('一厂', 'enterprise', {}, '', '', '', {}, {})",
                area.id,
                now,
                now,
            )
        )
        org = (await old.run_querystring(_qs("SELECT id FROM organization")))[0]["id"]
        for kind, token, secret in (("dingtalk", "ding-token-in-clear-1", "SEC-in-clear-1"), ("wecom", "wk-2", "")):
            await old.run_querystring(
                _qs_args(
                    "INSERT INTO robot (organization, kind, token, secret, kinds, active, created_at)"
                    " VALUES ({}, {}, {}, {}, '', {}, {})",
                    org,
                    kind,
                    token,
                    secret,
                    True,
                    now,
                )
            )

        await _migrate(old, "all")

        assert not {"token", "secret"} & (await _columns(old))["robot"]
        rows = await Robot.select().order_by(Robot.id)
        raw = " ".join(str(v) for r in rows for v in r.values())
        assert "in-clear" not in raw and "wk-2" not in raw
        assert [credentials(r) for r in rows] == [("ding-token-in-clear-1", "SEC-in-clear-1"), ("wk-2", "")]
        assert all(r["token_enc"].startswith(keyring().current_id + ":") for r in rows)
    finally:
        await db.close_engine(old)
