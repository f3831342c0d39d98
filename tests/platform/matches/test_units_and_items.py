"""A need in 床 (quilts) is never proposed sandbags in 袋 or vegetables in 斤: by hand, in candidates, in runs."""

from factories import login, make_need, make_offer, make_world, page_login, principal
from jinlin.matches.candidates import candidate_offers
from jinlin.matches.tables import Match
from jinlin.runs import service as runs


async def _quilts_market(w):
    quilts_needed = await make_need("admin_a", w.orgs["comm_a"], title="冬季棉被", category="materials", quantity=50,
                                    unit="床", item="棉被", area_id=w.areas["grid_a1"]["id"])
    sandbags = await make_offer("liaison", w.orgs["enterprise"], title="防汛沙袋", category="materials",
                                capacity=200, unit="袋", item="沙袋")
    greens = await make_offer("liaison2", w.orgs["village"], title="新鲜蔬菜", category="materials",
                              capacity=300, unit="斤", item="蔬菜")
    quilts = await make_offer("liaison", w.orgs["enterprise"], title="爱心棉被", category="materials",
                              capacity=30, unit="床", item="棉被")
    return quilts_needed, sandbags, greens, quilts


async def test_the_needs_candidates_are_only_offers_in_its_unit_and_of_its_item(client):
    w = await make_world()
    need, _, _, quilts = await _quilts_market(w)
    found = await candidate_offers(await principal("admin_a"), need.id)
    assert [c["offer"].id for c in found] == [quilts.id]
    await page_login(client, "admin_a")
    html = (await client.get(f"/needs/{need.id}")).text
    assert "爱心棉被" in html and "防汛沙袋" not in html and "新鲜蔬菜" not in html


async def test_a_proposal_by_hand_across_units_is_refused_naming_the_offer_and_creates_nothing(client):
    w = await make_world()
    need, sandbags, _, _ = await _quilts_market(w)
    r = await client.post("/api/v1/matches", headers=await login(client, "liaison"),
                          json={"need_id": need.id, "offer_id": sandbags.id, "quantity": 10})
    assert r.status_code == 400
    assert "袋" in r.json()["error"]["fields"]["offer_id"]
    assert await Match.count() == 0


async def test_a_run_serves_the_quilts_need_only_with_quilts_and_counts_coverage_in_needs(client):
    w = await make_world()
    need, _, _, quilts = await _quilts_market(w)
    headers = await login(client, "county")
    r = await client.post("/api/v1/match-runs", json={"kind": "allocation", "area_id": w.areas["county"]["id"]},
                          headers=headers)
    assert r.status_code == 201, r.text
    await runs.wait_for(r.json()["id"])
    proposals = await Match.select().where(Match.run_id == r.json()["id"])
    assert [(m["need_id"], m["offer_id"], m["quantity"]) for m in proposals] == [(need.id, quilts.id, 30)]
    result = (await client.get(f"/api/v1/match-runs/{r.json()['id']}/result", headers=headers)).json()["result"]
    colour = need.colour
    assert result["coverage"][colour] == {"demand": 1, "served": 0, "partly": 1, "share": 0.0}
