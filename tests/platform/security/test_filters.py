"""Filters are part of the contract: each natural filter works, and a sub-collection that can be POSTed is listed."""

from factories import login, make_need, make_offer, make_world
from jinlin.matches.tables import Match


async def test_matches_filter_by_run_and_source(client):
    w = await make_world()
    admin = await login(client, "admin_a")
    offer = await make_offer("liaison", w.orgs["enterprise"])
    for _ in range(2):
        need = await make_need("admin_a", w.orgs["comm_a"])
        r = await client.post(
            "/api/v1/matches", headers=admin, json={"need_id": need.id, "offer_id": offer.id, "quantity": 1}
        )
        assert r.status_code == 201
    first = await Match.select(Match.id).order_by(Match.id).first()
    await Match.update({Match.source: "run", Match.run_id: 7}).where(Match.id == first["id"])
    by_run = (await client.get("/api/v1/matches", headers=admin, params={"run_id": 7})).json()
    assert [m["id"] for m in by_run["items"]] == [first["id"]]
    manual = (await client.get("/api/v1/matches", headers=admin, params={"source": "manual"})).json()
    assert manual["total"] == 1 and manual["items"][0]["id"] != first["id"]
    assert (await client.get("/api/v1/matches", headers=admin, params={"source": "bogus"})).status_code == 400


async def test_a_calls_responses_are_listed_and_units_see_only_their_own(client):
    w = await make_world()
    admin = await login(client, "admin_a")
    call = (
        await client.post(
            "/api/v1/calls",
            headers=admin,
            json={"issuer_id": w.orgs["comm_a"]["id"], "title": "防汛", "categories": ["materials"], "quantity": 9},
        )
    ).json()
    liaison = await login(client, "liaison")
    r = await client.post(
        f"/api/v1/calls/{call['id']}/responses",
        headers=liaison,
        json={"organization_id": w.orgs["enterprise"]["id"], "quantity": 2},
    )
    assert r.status_code == 201
    listed = (await client.get(f"/api/v1/calls/{call['id']}/responses", headers=admin)).json()
    assert listed["total"] == 1 and listed["items"][0]["quantity"] == 2
    leader = await client.get(f"/api/v1/calls/{call['id']}/responses", headers=await login(client, "leader"))
    assert leader.status_code in (200, 404) and (leader.status_code == 404 or leader.json()["total"] == 0)
