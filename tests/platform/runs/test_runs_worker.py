"""The services shape: runs go through a real Celery worker over Redis on PostgreSQL."""

import pytest
from runs_data import make_market, make_need, make_offer

from factories import login, make_world
from jinlin.matches.tables import Match
from jinlin.runs import service

pytestmark = [pytest.mark.redis]


async def _run(client, headers, area_id, **body):
    r = await client.post(
        "/api/v1/match-runs", json={"kind": "allocation", "area_id": area_id, **body}, headers=headers
    )
    assert r.status_code == 201, r.text
    assert r.json()["status"] in ("queued", "running")
    row = await service.wait_for(r.json()["id"], timeout=90)
    return row


async def _pairs(run_id):
    rows = await Match.select().where(Match.run_id == run_id).order_by(Match.need_id).order_by(Match.offer_id)
    return [(r["need_id"], r["offer_id"], r["quantity"]) for r in rows]


async def test_a_run_goes_through_a_real_worker_end_to_end(celery_worker, client):
    w = await make_world()
    await make_market(w)
    headers = await login(client, "county")
    row = await _run(client, headers, w.areas["county"]["id"])
    assert row["status"] == "succeeded", row["error"]
    assert row["task_id"] and row["progress"] == 1.0
    assert row["proposals"] == len(await _pairs(row["id"])) > 0


async def test_a_fanned_out_run_on_the_workers_equals_a_single_run(celery_worker, client):
    w = await make_world()
    await make_market(w)
    for k in range(5):
        await make_need(w.orgs["comm_c"], w.areas["comm_c"], title=f"环境{k}", category="environment", quantity=2)
        await make_offer(w.orgs["village"], title=f"清扫{k}", category="environment", capacity=1)
    headers = await login(client, "county")
    single = await _run(client, headers, w.areas["county"]["id"], fan_out=False)
    single_pairs = await _pairs(single["id"])
    await Match.update({Match.status: "declined"}).where(Match.run_id == single["id"])
    fanned = await _run(client, headers, w.areas["county"]["id"], fan_out=True)
    assert fanned["status"] == "succeeded", fanned["error"]
    assert fanned["parts_total"] >= 2 and fanned["parts_done"] == fanned["parts_total"]
    assert await _pairs(fanned["id"]) == single_pairs
    assert abs(fanned["objective"] - single["objective"]) < 1e-6
