import csv
import io
import sqlite3
import threading
import time

import pytest

from factories import login, make_world
from jinlin.core.tabular import IMPORT_BATCH, MAX_ROWS
from jinlin.imports import service
from jinlin.needs.tables import Need
from jinlin.orgs.tables import Organization


def _needs_csv(rows: int) -> bytes:
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(["标题", "类别", "数量", "单位", "紧急程度", "地点", "受益群体"])
    for n in range(rows):
        out.writerow([f"助餐{n}", "助老服务", 1, "人次", 2, "网格A1", "空巢老人"])
    return buf.getvalue().encode()


class _Writer(threading.Thread):
    """Another process's small writes to the same SQLite file (its own connection, as a second worker would);
    inside each write it notes how many of the community's needs it could see, so the test knows whether it got
    the write lock part-way through the import (between batches) rather than only before or after it."""

    def __init__(self, path: str, organization_id: int) -> None:
        super().__init__(daemon=True)
        self.path, self.organization_id = path, organization_id
        self.seen: list[int] = []
        self.failures: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            while not self.stop.is_set():
                try:
                    con.execute("BEGIN IMMEDIATE")
                    con.execute(
                        "UPDATE organization SET name = name WHERE id = ?",
                        (self.organization_id,),
                    )
                    seen = con.execute(
                        "SELECT count(*) FROM need WHERE community_id = ?", (self.organization_id,)
                    ).fetchone()[0]
                    con.execute("COMMIT")
                    self.seen.append(seen)
                except sqlite3.OperationalError as exc:
                    self.failures.append(str(exc))
                time.sleep(0.02)
        finally:
            con.close()


async def test_a_20000_row_import_runs_in_the_background_and_lets_a_concurrent_writer_in_between_its_batches(
    client, backend, database_url
):
    if backend != "sqlite":
        pytest.skip("the write lock that blocks other writers is SQLite's")
    w = await make_world()
    staff = await login(client, "staff_a")
    community_id = w.orgs["comm_a"]["id"]
    assert await Organization.exists().where(Organization.id == community_id)
    writer = _Writer(database_url.removeprefix("sqlite:///"), community_id)
    writer.start()
    try:
        r = await client.post(
            "/api/v1/needs/import",
            headers=staff,
            files={"file": ("needs.csv", _needs_csv(MAX_ROWS))},
            params={"community_id": community_id},
            timeout=600,
        )
        assert r.status_code == 202, r.text  # far above JINLIN_IMPORT_BACKGROUND_ROWS: a job
        job = await service.wait_for(r.json()["job_id"], timeout=600)
    finally:
        writer.stop.set()
        writer.join()
    assert (job.status, job.imported) == ("done", MAX_ROWS), job
    assert await Need.count().where(Need.community_id == community_id) == MAX_ROWS
    assert writer.failures == []
    # Not timed (a loaded machine stretches any wait): the writer's writes landed between the import's batches
    # many times, so the import never held the write lock for long. Holding it throughout would leave only 0 and
    # MAX_ROWS here. The import writes IMPORT_BATCH rows per transaction (400 batches for this file).
    part_way = {n for n in writer.seen if 0 < n < MAX_ROWS}
    assert len(part_way) >= 20, sorted(part_way)
    assert all(n % IMPORT_BATCH == 0 for n in part_way)  # whole batches only: each is one transaction
