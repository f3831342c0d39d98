import asyncio

from runs_data import make_market, make_need, make_offer

import matching
from factories import login, make_world, principal
from jinlin.audit.tables import AuditEvent
from jinlin.matches.tables import Match
from jinlin.runs import allocation, service
from jinlin.runs.schemas import MatchRunIn
from jinlin.runs.tables import MatchRun


async def _run(client, headers, area_id, **body):
    r = await client.post(
        "/api/v1/match-runs", json={"kind": "allocation", "area_id": area_id, **body}, headers=headers
    )
    assert r.status_code == 201, r.text
    await service.wait_for(r.json()["id"])
    return (await client.get(f"/api/v1/match-runs/{r.json()['id']}", headers=headers)).json()


async def _pairs(run_id):
    rows = await Match.select().where(Match.run_id == run_id).order_by(Match.need_id).order_by(Match.offer_id)
    return [(r["need_id"], r["offer_id"], r["quantity"]) for r in rows]


async def test_a_run_over_the_county_proposes_matches_with_reasons_and_explains_the_rest(client):
    w = await make_world()
    ids = await make_market(w)
    headers = await login(client, "county")
    run = await _run(client, headers, w.areas["county"]["id"])
    assert run["status"] == "succeeded" and run["progress"] == 1.0
    assert run["objective"] is not None and run["bound"] >= run["objective"] - 1e-6
    matches = await Match.select().where(Match.run_id == run["id"])
    assert run["proposals"] == len(matches) > 0
    assert all(m["source"] == "run" and m["status"] == "proposed" and m["reasons"] for m in matches)
    by_need = {m["need_id"]: m for m in matches}
    # The red need is served first; the village only serves the west street.
    assert by_need[ids["n_red"]]["quantity"] == 4 and by_need[ids["n_red"]]["offer_id"] == ids["o_ent"]
    assert by_need[ids["n_west"]]["offer_id"] == ids["o_village"]
    assert all(m["offer_id"] != ids["o_village"] for m in matches if m["need_id"] != ids["n_west"])
    result = (await client.get(f"/api/v1/match-runs/{run['id']}/result", headers=headers)).json()["result"]
    assert result["coverage"]["red"] == {"demand": 1, "served": 1, "partly": 0, "share": 1.0}
    unmatched = {u["need_id"]: u for u in result["unmatched"]}
    assert unmatched[ids["n_none"]]["reason"] == "no_candidate"
    assert unmatched[ids["n_green"]]["reason"] == "capacity_taken"
    assert "ranked" in result and "served" in result["ranked"]
    assert await AuditEvent.exists().where((AuditEvent.object_type == "match_run") & (AuditEvent.action == "finish"))


async def test_the_runs_proposals_equal_matching_solve_on_the_same_data(client):
    w = await make_world()
    await make_market(w)
    headers = await login(client, "county")
    run = await _run(client, headers, w.areas["county"]["id"])
    row = await service.get_row(run["id"])
    # Now that the proposals hold quantities, load the problem as it was: without them.
    await Match.update({Match.status: "declined"}).where(Match.run_id == run["id"])
    problem, _ = await allocation.load(row)
    expected = matching.solve(problem)
    got = {(f"n{n}", f"o{o}", q) for n, o, q in await _pairs(run["id"])}
    assert got == {(a["need"], a["offer"], a["quantity"]) for a in expected.assignments}
    assert abs(run["objective"] - expected.objective) < 1e-6


async def test_a_task_run_twice_leaves_one_set_of_proposals(client):
    w = await make_world()
    await make_market(w)
    p = await principal("county")
    row = await service.create_run(p, MatchRunIn(kind="allocation", area_id=w.areas["county"]["id"]))
    await asyncio.gather(service.execute(row["id"]), service.execute(row["id"]))
    await service.execute(row["id"])
    first = await _pairs(row["id"])
    assert first and len(first) == len(set(first))
    # A retried task whose run went back to running (a worker lost mid-save) writes nothing twice.
    await MatchRun.update({MatchRun.status: "queued"}).where(MatchRun.id == row["id"])
    await service.execute(row["id"])
    assert await _pairs(row["id"]) == first


async def test_a_second_run_on_an_overlapping_area_is_refused_while_one_is_going(client):
    w = await make_world()
    await make_market(w)
    p = await principal("county")
    await service.create_run(p, MatchRunIn(kind="allocation", area_id=w.areas["east"]["id"]))  # queued, not launched
    headers = await login(client, "street_east")
    r = await client.post(
        "/api/v1/match-runs", json={"kind": "allocation", "area_id": w.areas["comm_a"]["id"]}, headers=headers
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "run_in_progress"
    # A disjoint area is fine.
    west = await login(client, "street_west")
    r = await client.post(
        "/api/v1/match-runs", json={"kind": "allocation", "area_id": w.areas["west"]["id"]}, headers=west
    )
    assert r.status_code == 201
    await service.wait_for(r.json()["id"])


async def test_a_community_admin_runs_only_their_own_community(client):
    w = await make_world()
    await make_market(w)
    headers = await login(client, "admin_a")
    r = await client.post(
        "/api/v1/match-runs", json={"kind": "allocation", "area_id": w.areas["comm_b"]["id"]}, headers=headers
    )
    assert r.status_code == 403
    r = await client.post(
        "/api/v1/match-runs", json={"kind": "allocation", "area_id": w.areas["east"]["id"]}, headers=headers
    )
    assert r.status_code == 403
    run = await _run(client, headers, w.areas["comm_a"]["id"])
    assert run["status"] == "succeeded"
    # Units cannot start runs, and another street's staff cannot read this one.
    liaison = await login(client, "liaison")
    r = await client.post(
        "/api/v1/match-runs", json={"kind": "allocation", "area_id": w.areas["comm_a"]["id"]}, headers=liaison
    )
    assert r.status_code == 403
    west = await login(client, "street_west")
    assert (await client.get(f"/api/v1/match-runs/{run['id']}", headers=west)).status_code == 404


async def test_a_cancelled_run_writes_no_proposals(client):
    w = await make_world()
    await make_market(w)
    headers = await login(client, "county")
    p = await principal("county")
    row = await service.create_run(p, MatchRunIn(kind="allocation", area_id=w.areas["county"]["id"]))
    r = await client.post(f"/api/v1/match-runs/{row['id']}/cancel", headers=headers)
    assert r.status_code == 201 and r.json()["status"] == "cancelled"
    await service.execute(row["id"])
    assert await _pairs(row["id"]) == []
    assert (await client.post(f"/api/v1/match-runs/{row['id']}/cancel", headers=headers)).status_code == 409


async def test_fanning_out_gives_the_same_proposals_as_a_single_run(client):
    w = await make_world()
    await make_market(w)
    for k in range(6):  # more independent components
        await make_need(w.orgs["comm_c"], w.areas["comm_c"], title=f"环境{k}", category="environment", quantity=2)
        await make_offer(w.orgs["village"], title=f"清扫{k}", category="environment", capacity=1)
    headers = await login(client, "county")
    single = await _run(client, headers, w.areas["county"]["id"], fan_out=False)
    single_pairs = await _pairs(single["id"])
    await Match.update({Match.status: "declined"}).where(Match.run_id == single["id"])
    fanned = await _run(client, headers, w.areas["county"]["id"], fan_out=True)
    assert fanned["stats"]["components"] >= 2 or fanned["proposals"] > 0
    assert await _pairs(fanned["id"]) == single_pairs
    assert abs(fanned["objective"] - single["objective"]) < 1e-6


async def test_publishing_notifies_both_sides_once(client):
    from jinlin.notifications.tables import Notification

    w = await make_world()
    await make_market(w)
    headers = await login(client, "county")
    run = await _run(client, headers, w.areas["county"]["id"])
    r = await client.post(f"/api/v1/match-runs/{run['id']}/publish", headers=headers)
    assert r.status_code == 201 and r.json()["published_at"]
    # Grouped per organisation (one notice per recipient for the run), each counting its proposals.
    notes = await Notification.select(Notification.group_count, Notification.organization).where(
        Notification.kind == "match_proposed"
    )
    assert sum(n["group_count"] for n in notes) == 2 * run["proposals"]
    assert len({n["organization"] for n in notes}) == len(notes)
    assert (await client.post(f"/api/v1/match-runs/{run['id']}/publish", headers=headers)).status_code == 409


async def test_a_new_run_supersedes_untouched_unpublished_proposals_but_keeps_one_a_side_accepted(client):
    """docs/runs.md: a new run over an overlapping area cancels the unpublished proposals of an earlier one,
    except those a side has already accepted (the side saw it and said yes): those stay, hold their quantity,
    and the new run proposes no second match for their pair."""
    w = await make_world()
    await make_market(w)
    county = await login(client, "county")
    first = await _run(client, county, w.areas["county"]["id"])
    proposals = await Match.select().where(Match.run_id == first["id"]).order_by(Match.id)
    assert len(proposals) >= 2
    kept = next(m for m in proposals if m["provider_id"] == w.orgs["enterprise"]["id"])
    r = await client.post(f"/api/v1/matches/{kept['id']}/accept", headers=await login(client, "liaison"))
    assert r.status_code == 200, r.text

    second = await _run(client, county, w.areas["county"]["id"])
    assert second["status"] == "succeeded"
    after = {m["id"]: m for m in await Match.select().where(Match.run_id == first["id"])}
    assert after[kept["id"]]["status"] == "proposed" and after[kept["id"]]["provider_accepted_at"] is not None
    assert all(after[m["id"]]["status"] == "cancelled" for m in proposals if m["id"] != kept["id"])
    pair = (kept["need_id"], kept["offer_id"])
    assert pair not in {(n, o) for n, o, _ in await _pairs(second["id"])}
