"""Import jobs in the services shape: a real Celery worker over Redis (PostgreSQL) reads the stored upload,
and a worker killed with SIGKILL mid-job leaves a job the reaper sends again; every row lands once."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest
from importdata import REAPER_BOUND_S, needs_csv

from factories import login, make_world
from jinlin.audit.tables import AuditEvent
from jinlin.imports import service
from jinlin.imports.tables import ImportJob, ImportUpload
from jinlin.needs.tables import Need

pytestmark = [pytest.mark.redis]


async def _wait_for_mark(mark, proc, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not mark.exists():
        assert proc.poll() is None, "the stalling worker exited by itself"
        assert time.monotonic() < deadline, "the worker never reached the point to kill it at"
        await asyncio.sleep(0.1)


async def test_a_real_worker_imports_a_large_file_once(client, small_threshold, killable_import_workers):
    killable_import_workers.start()
    w = await make_world()
    staff = await login(client, "staff_a")
    r = await client.post(
        "/api/v1/needs/import",
        headers=staff,
        files={"file": ("needs.csv", needs_csv(230))},
        params={"community_id": w.orgs["comm_a"]["id"]},
    )
    assert r.status_code == 202, r.text
    job = await service.wait_for(r.json()["job_id"], timeout=120)
    assert (job.status, job.imported, job.rows_done) == ("done", 230, 230), job
    assert await Need.count() == 230
    assert await ImportUpload.count() == 0  # the stored file is gone


async def test_a_worker_killed_mid_job_is_replaced_and_no_row_is_written_twice(
    client, small_threshold, killable_import_workers, tmp_path
):
    mark = tmp_path / "stalled"
    stalling = killable_import_workers.start(stall="import", mark=mark)
    await make_world()
    staff = await login(client, "staff_a")
    r = await client.post("/api/v1/needs/import", headers=staff, files={"file": ("needs.csv", needs_csv(230))})
    assert r.status_code == 202, r.text
    job_id = r.json()["job_id"]
    await _wait_for_mark(mark, stalling)
    row = await ImportJob.select().where(ImportJob.id == job_id).first()
    assert (row["status"], row["rows_done"]) == ("writing", 50)  # the first batch committed, with its count
    os.kill(stalling.pid, signal.SIGKILL)
    stalling.wait()
    killable_import_workers.start()
    killed_at = time.monotonic()
    while True:  # what beat does in production: a reaper pass every quarter of the bound
        await service.reap(bound_s=REAPER_BOUND_S)
        row = await ImportJob.select().where(ImportJob.id == job_id).first()
        if row["status"] in ("done", "failed"):
            break
        assert time.monotonic() - killed_at < 20 * REAPER_BOUND_S, f"job still {row['status']}"
        await asyncio.sleep(REAPER_BOUND_S / 4)
    assert (row["status"], row["imported"], row["rows_done"], row["attempts"]) == ("done", 230, 230, 2)
    assert await ImportUpload.count() == 0
    assert await Need.count() == 230
    assert len({r["title"] for r in await Need.select(Need.title)}) == 230
    retries = await AuditEvent.count().where((AuditEvent.object_type == "import_job") & (AuditEvent.action == "retry"))
    assert retries == 1
