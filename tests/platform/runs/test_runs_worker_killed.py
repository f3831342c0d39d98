"""A worker killed with SIGKILL mid-run (services shape): the reaper hands the run, or the lost part,
to another worker; the run finishes exactly once, within a few reaper bounds, with no proposal twice."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest
from runs_data import REAPER_BOUND_S, make_market, make_need, make_offer

from factories import login, make_world
from jinlin.audit.tables import AuditEvent
from jinlin.matches.tables import Match
from jinlin.runs import reaper, service
from jinlin.runs.tables import RunPart

pytestmark = [pytest.mark.redis]


async def _pairs(run_id):
    rows = await Match.select().where(Match.run_id == run_id).order_by(Match.need_id).order_by(Match.offer_id)
    return [(r["need_id"], r["offer_id"], r["quantity"]) for r in rows]


async def _wait_for_mark(mark, proc, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not mark.exists():
        assert proc.poll() is None, "the stalling worker exited by itself"
        assert time.monotonic() < deadline, "the worker never reached the point to kill it at"
        await asyncio.sleep(0.1)


async def _reap_until_finished(run_id, timeout):
    """What beat does in production: a reaper pass every quarter of the bound, until the run ends."""
    deadline = time.monotonic() + timeout
    while True:
        await reaper.reap(bound_s=REAPER_BOUND_S)
        row = await service.get_row(run_id)
        if row["status"] not in ("queued", "running"):
            return row
        assert time.monotonic() < deadline, f"run still {row['status']} ({row['phase']}) after {timeout} s"
        await asyncio.sleep(REAPER_BOUND_S / 4)


async def _finishes(run_id):
    return await AuditEvent.count().where(
        (AuditEvent.object_type == "match_run") & (AuditEvent.object_id == run_id) & (AuditEvent.action == "finish")
    )


async def _start(client, headers, area_id, **body):
    r = await client.post(
        "/api/v1/match-runs", json={"kind": "allocation", "area_id": area_id, **body}, headers=headers
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def test_a_run_whose_worker_is_killed_while_loading_is_retried_and_finishes_once(
    killable_workers, client, tmp_path
):
    w = await make_world()
    await make_market(w)
    headers = await login(client, "county")
    mark = tmp_path / "loading"
    doomed = killable_workers.start("loading", mark)
    run_id = await _start(client, headers, w.areas["county"]["id"], fan_out=False)
    await _wait_for_mark(mark, doomed)
    assert (await service.get_row(run_id))["status"] == "running"
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait()
    killed_at = time.monotonic()
    killable_workers.start()

    row = await _reap_until_finished(run_id, timeout=20 * REAPER_BOUND_S)
    assert row["status"] == "succeeded", row["error"]
    assert time.monotonic() - killed_at < 20 * REAPER_BOUND_S
    assert row["attempts"] >= 2
    pairs = await _pairs(run_id)
    assert pairs and len(pairs) == len(set(pairs)) == row["proposals"]
    assert await _finishes(run_id) == 1
    # A new run over the same area is accepted: nothing is left holding it.
    again = await client.post(
        "/api/v1/match-runs", json={"kind": "allocation", "area_id": w.areas["county"]["id"]}, headers=headers
    )
    assert again.status_code == 201, again.text


async def test_a_fanned_out_run_whose_worker_is_killed_solving_a_part_finishes_once(killable_workers, client, tmp_path):
    w = await make_world()
    await make_market(w)
    for k in range(5):
        await make_need(w.orgs["comm_c"], w.areas["comm_c"], title=f"环境{k}", category="environment", quantity=2)
        await make_offer(w.orgs["village"], title=f"清扫{k}", category="environment", capacity=1)
    headers = await login(client, "county")
    mark = tmp_path / "part"
    doomed = killable_workers.start("part", mark)
    run_id = await _start(client, headers, w.areas["county"]["id"], fan_out=True)
    await _wait_for_mark(mark, doomed)
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait()
    killed_at = time.monotonic()
    killable_workers.start()

    row = await _reap_until_finished(run_id, timeout=20 * REAPER_BOUND_S)
    assert row["status"] == "succeeded", row["error"]
    assert time.monotonic() - killed_at < 20 * REAPER_BOUND_S
    assert row["parts_total"] >= 2 and row["parts_done"] == row["parts_total"]
    parts = await RunPart.select(RunPart.status, RunPart.attempts).where(RunPart.run == run_id)
    assert [p["status"] for p in parts] == ["done"] * row["parts_total"]
    assert max(p["attempts"] for p in parts) >= 2  # the killed worker's part was taken over
    pairs = await _pairs(run_id)
    assert pairs and len(pairs) == len(set(pairs)) == row["proposals"]
    assert await _finishes(run_id) == 1

    # The same data solved in one piece proposes exactly the same pairs.
    await Match.update({Match.status: "declined"}).where(Match.run_id == run_id)
    single_id = await _start(client, headers, w.areas["county"]["id"], fan_out=False)
    single = await service.wait_for(single_id, timeout=60)
    assert single["status"] == "succeeded", single["error"]
    assert await _pairs(single_id) == pairs
