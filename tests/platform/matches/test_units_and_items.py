"""A need in 床 (quilts) is never proposed sandbags in 袋 or vegetables in 斤: by hand, in candidates, in runs."""

from factories import login, make_need, make_offer, make_world, page_login, principal
from jinlin.matches.candidates import candidate_offers
from jinlin.matches.tables import Match
from jinlin.runs import service as runs


async def _quilts_market(w):
    quilts_needed = await make_need(
        "admin_a",
        w.orgs["comm_a"],
        title="冬季棉被",
        category="materials",
        quantity=50,
        unit="床",
        item="棉被",
        area_id=w.areas["grid_a1"]["id"],
    )
    sandbags = await make_offer(
        "liaison", w.orgs["enterprise"], title="防汛沙袋", category="materials", capacity=200, unit="袋", item="沙袋"
    )
    greens = await make_offer(
        "liaison2", w.orgs["village"], title="新鲜蔬菜", category="materials", capacity=300, unit="斤", item="蔬菜"
    )
    quilts = await make_offer(
        "liaison", w.orgs["enterprise"], title="爱心棉被", category="materials", capacity=30, unit="床", item="棉被"
    )
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
    r = await client.post(
        "/api/v1/matches",
        headers=await login(client, "liaison"),
        json={"need_id": need.id, "offer_id": sandbags.id, "quantity": 10},
    )
    assert r.status_code == 400
    assert "袋" in r.json()["error"]["fields"]["offer_id"]
    assert await Match.count() == 0


async def test_a_run_serves_the_quilts_need_only_with_quilts_and_counts_coverage_in_needs(client):
    w = await make_world()
    need, _, _, quilts = await _quilts_market(w)
    headers = await login(client, "county")
    r = await client.post(
        "/api/v1/match-runs", json={"kind": "allocation", "area_id": w.areas["county"]["id"]}, headers=headers
    )
    assert r.status_code == 201, r.text
    await runs.wait_for(r.json()["id"])
    proposals = await Match.select().where(Match.run_id == r.json()["id"])
    assert [(m["need_id"], m["offer_id"], m["quantity"]) for m in proposals] == [(need.id, quilts.id, 30)]
    result = (await client.get(f"/api/v1/match-runs/{r.json()['id']}/result", headers=headers)).json()["result"]
    colour = need.colour
    assert result["coverage"][colour] == {"demand": 1, "served": 0, "partly": 1, "share": 0.0}


async def test_after_acceptance_each_side_sees_the_others_contact_and_a_dated_timeline(client):
    from factories import csrf_token
    from jinlin.core import clock

    w = await make_world()
    need = await make_need("staff_a", w.orgs["comm_a"], quantity=2)
    offer = await make_offer("liaison", w.orgs["enterprise"], capacity=2)
    r = await client.post(
        "/api/v1/matches",
        headers=await login(client, "liaison"),
        json={"need_id": need.id, "offer_id": offer.id, "quantity": 2},
    )
    match = r.json()
    await page_login(client, "liaison")
    before = (await client.get(f"/matches/{match['id']}")).text
    assert 'data-testid="counterparts"' not in before and "13800001111" not in before  # not yet accepted
    client.cookies.clear()
    await page_login(client, "staff_a")
    token = await csrf_token(client, f"/matches/{match['id']}")
    await client.post(f"/matches/{match['id']}/accept", data={"_csrf_token": token, "side": "community"})
    staff_page = (await client.get(f"/matches/{match['id']}")).text
    assert "鑫源建材有限公司" in staff_page and "13912345678" in staff_page  # the provider's phone
    client.cookies.clear()
    await page_login(client, "liaison")
    unit_page = (await client.get(f"/matches/{match['id']}")).text
    assert "社区A居委会" in unit_page and "13800001111" in unit_page  # the community's phone
    row = await Match.select().where(Match.id == match["id"]).first()
    assert clock.local(row["community_accepted_at"], "%Y-%m-%d %H:%M") in unit_page and "社区接受" in unit_page
    client.cookies.clear()
    await page_login(client, "admin_b")  # another community's admin sees neither the match nor the phones
    assert (await client.get(f"/matches/{match['id']}")).status_code == 404


async def test_staff_accept_all_of_a_runs_proposals_for_their_side_at_once(client):
    w = await make_world()
    await make_need("admin_a", w.orgs["comm_a"], title="助餐一", quantity=2)
    await make_need("admin_a", w.orgs["comm_a"], title="助餐二", quantity=2)
    await make_need("admin_b", w.orgs["comm_b"], title="助餐三", quantity=2)
    await make_offer("liaison", w.orgs["enterprise"], capacity=10)
    county = await login(client, "county")
    r = await client.post(
        "/api/v1/match-runs", json={"kind": "allocation", "area_id": w.areas["county"]["id"]}, headers=county
    )
    await runs.wait_for(r.json()["id"])
    run_id = r.json()["id"]
    proposals = await Match.select().where(Match.run_id == run_id)
    mine = [m for m in proposals if m["community_id"] == w.orgs["comm_a"]["id"]]
    assert mine and len(mine) < len(proposals)
    r = await client.post(f"/api/v1/match-runs/{run_id}/accept-mine", headers=await login(client, "staff_a"))
    assert r.status_code == 200 and r.json() == {"accepted": len(mine), "refused": 0}
    after = {m["id"]: m for m in await Match.select().where(Match.run_id == run_id)}
    assert all(after[m["id"]]["community_accepted_at"] is not None for m in mine)
    assert all(
        m["community_accepted_at"] is None for m in after.values() if m["community_id"] != w.orgs["comm_a"]["id"]
    )
    assert all(m["provider_accepted_at"] is None for m in after.values())  # only our side
    r = await client.post(f"/api/v1/match-runs/{run_id}/accept-mine", headers=await login(client, "volunteer"))
    assert r.status_code == 403
