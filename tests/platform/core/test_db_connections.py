"""Connections reused between requests (SQLite's pool, PostgreSQL's) carry nothing from one request to the next."""

import asyncio

import pytest

from factories import login, make_world
from jinlin.core import db
from jinlin.needs.tables import Need
from jinlin.orgs.tables import Organization


class Boom(Exception):
    pass


async def test_a_failed_write_leaves_nothing_behind_and_the_next_write_works(engine):
    w = await make_world()
    org_id = w.orgs["comm_a"]["id"]
    with pytest.raises(Boom):
        async with db.write_transaction():
            await Organization.update({Organization.name: "half done"}).where(Organization.id == org_id)
            raise Boom
    assert (await Organization.select(Organization.name).where(Organization.id == org_id).first())["name"] != (
        "half done"
    )
    async with db.write_transaction():
        await Organization.update({Organization.name: "renamed"}).where(Organization.id == org_id)
    assert (await Organization.select(Organization.name).where(Organization.id == org_id).first())["name"] == "renamed"


async def test_a_statement_that_fails_inside_a_transaction_does_not_poison_the_next_one(engine):
    w = await make_world()
    org_id = w.orgs["comm_a"]["id"]
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        async with db.write_transaction():
            await Organization.update({Organization.name: "first part"}).where(Organization.id == org_id)
            # The same primary key twice: the database refuses the second statement.
            await Organization.raw(
                "INSERT INTO organization (id, name, kind, area) SELECT id, name, kind, area FROM organization WHERE id = {}",
                org_id,
            )
    names = await Organization.select(Organization.name).where(Organization.name == "first part")
    assert names == []
    for _ in range(3):  # whichever connection comes next is clean
        async with db.write_transaction():
            await Organization.update({Organization.name: "after"}).where(Organization.id == org_id)
    assert await Organization.count().where(Organization.name == "after") == 1


async def test_a_request_that_fails_mid_write_does_not_poison_the_next_request(client, engine, monkeypatch):
    w = await make_world()
    staff = await login(client, "staff_a")
    before = (await client.get("/api/v1/needs", headers=staff)).json()["total"]

    async def broken_record(*args, **kwargs):  # after the need's INSERT, inside its transaction
        raise RuntimeError("the audit log is down")

    monkeypatch.setattr("jinlin.needs.service.record", broken_record)
    body = {
        "community_id": w.orgs["comm_a"]["id"],
        "title": "上门助餐",
        "category": "elder_care",
        "quantity": 5,
        "unit": "人次",
        "publish": True,
    }
    r = await client.post("/api/v1/needs", headers=staff, json=body)
    assert r.status_code == 500
    monkeypatch.undo()
    r = await client.get("/api/v1/needs", headers=staff)
    assert r.status_code == 200
    assert r.json()["total"] == before
    r = await client.post("/api/v1/needs", headers=staff, json=body)
    assert r.status_code == 201, r.text
    assert (await client.get("/api/v1/needs", headers=staff)).json()["total"] == before + 1


async def test_an_open_transaction_is_invisible_to_other_requests_until_it_commits(engine):
    w = await make_world()
    org_id = w.orgs["comm_a"]["id"]
    inside, proceed = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        async with db.write_transaction():
            await Organization.update({Organization.name: "pending"}).where(Organization.id == org_id)
            inside.set()
            await proceed.wait()

    task = asyncio.create_task(writer())
    await inside.wait()
    seen = await Organization.select(Organization.name).where(Organization.id == org_id).first()
    assert seen["name"] != "pending"
    proceed.set()
    await task
    seen = await Organization.select(Organization.name).where(Organization.id == org_id).first()
    assert seen["name"] == "pending"


async def test_a_connection_handed_back_inside_a_transaction_is_rolled_back_first(engine, backend):
    if backend != "sqlite":
        pytest.skip("the SQLite pool is ours; asyncpg's pool resets its own connections")
    w = await make_world()
    org_id = w.orgs["comm_a"]["id"]
    connection = await engine.acquire()
    await connection.execute("BEGIN IMMEDIATE")
    await connection.execute("UPDATE organization SET name = 'stuck' WHERE id = ?", [org_id])
    await engine.release(connection)  # as a cancelled request would
    assert not connection.in_transaction
    async with db.write_transaction():  # the write lock is free again
        await Organization.update({Organization.name: "free"}).where(Organization.id == org_id)
    assert await Organization.count().where(Organization.name == "stuck") == 0
    assert await Organization.count().where(Organization.name == "free") == 1


async def test_sqlite_queries_reuse_open_connections_and_closing_the_engine_closes_them(engine, backend):
    if backend != "sqlite":
        pytest.skip("SQLite's pool")
    await make_world()
    await Need.count()
    idle = list(engine._idle)
    assert idle
    await Need.count()
    await Need.count()
    assert list(engine._idle) == idle  # the same connections, not new ones
    await db.close_engine(engine)
    assert engine._idle == []
