"""以强帮弱 measured: the fairness figures on a hand-made county of five communities, recomputed here from
the rows the test made (quartile, shares, Gini by the double sum), and the run page's before/after."""

import math

from factories import login, make_area, make_need, make_offer, make_org, make_world
from jinlin.core import clock
from jinlin.matches.tables import Match
from jinlin.needs.tables import Need
from jinlin.runs.tables import MatchRun
from jinlin.twinning.tables import CommunityProfile, Twinning

# name: (population, grid workers, funding gap, facility gap)
PROFILES = {
    "comm_a": (8000, 20, 0, 0.0),
    "comm_b": (5000, 20, 0, 0.0),
    "comm_c": (6000, 20, 0, 0.0),
    "comm_d": (2000, 0, 500_000, 0.0),
    "comm_e": (1000, 0, 500_000, 1.0),
}
# community: [(colour, status, quantity, matched, done)]; every need asks for 4.
NEEDS = {
    "comm_e": [("red", "resolved", 4, 0, 0), ("orange", "matched", 4, 1, 0), ("green", "published", 4, 0, 0)],
    "comm_d": [("red", "published", 4, 0, 0)],
    "comm_a": [("red", "resolved", 4, 0, 0), ("orange", "in_progress", 4, 0, 2)],
    "comm_b": [("yellow", "resolved", 4, 0, 0)],
}
USERS = {"comm_a": "admin_a", "comm_b": "admin_b", "comm_c": "admin_c", "comm_d": "admin_d", "comm_e": "admin_e"}


def met(status, quantity, matched, done):
    return 1.0 if status in ("resolved", "closed") else min(1.0, max(matched, done) / quantity)


def gini_by_definition(xs):
    n, mean = len(xs), sum(xs) / len(xs)
    return sum(abs(a - b) for a in xs for b in xs) / (2 * n * n * mean)


async def _county():
    from factories import make_account

    w = await make_world()
    for key in ("comm_d", "comm_e"):
        w.areas[key] = await make_area(f"社区{key[-1].upper()}", "community", w.areas["east"])
        w.orgs[key] = await make_org(f"社区{key[-1].upper()}居委会", "community", w.areas[key])
        await make_account(USERS[key], [(w.orgs[key]["id"], "community_admin")])
    for key, (pop, workers, funding, facility) in PROFILES.items():
        await CommunityProfile.insert(
            CommunityProfile(
                community_id=w.orgs[key]["id"],
                population=pop,
                grid_workers=workers,
                funding_gap=funding,
                facility_gap=facility,
            )
        )
    ids = {}
    for key, needs in NEEDS.items():
        for colour, status, quantity, matched, done in needs:
            need = await make_need(USERS[key], w.orgs[key], quantity=quantity)
            await Need.update(
                {Need.colour: colour, Need.status: status, Need.quantity_matched: matched, Need.quantity_done: done}
            ).where(Need.id == need.id)
            ids.setdefault(key, []).append(need.id)
    now = clock.now()
    await Twinning.insert(
        Twinning(
            helper_id=w.orgs["enterprise"]["id"],
            community_id=w.orgs["comm_e"]["id"],
            period=2026,
            status="active",
            pair_key="2026:e:e:manual",
            created_at=now,
            updated_at=now,
        )
    )
    return w, ids


async def test_the_fairness_figures_equal_those_recomputed_from_the_rows(client, frozen_clock):
    w, _ = await _county()
    names = {w.orgs[k]["id"]: k for k in PROFILES}
    r = await client.get("/api/v1/fairness?period=2026", headers=await login(client, "county"))
    assert r.status_code == 200, r.text
    f = r.json()
    # The weakest quarter of five communities is ⌈5/4⌉ = 2: the two with heavy staff load and funding gaps.
    weakest = {names[c["id"]] for c in f["communities"] if c["weakest"]}
    assert math.ceil(5 / 4) == 2 and weakest == {"comm_d", "comm_e"}
    by = {k: [n for n in NEEDS.get(k, [])] for k in PROFILES}
    ro = {k: [n for n in v if n[0] in ("red", "orange")] for k, v in by.items()}
    ro_met = {k: sum(met(*n[1:]) for n in v) for k, v in ro.items()}
    assert (
        f["weakest_share"]
        == round((ro_met["comm_d"] + ro_met["comm_e"]) / (len(ro["comm_d"]) + len(ro["comm_e"])), 4)
        == 0.4167
    )
    assert f["average_share"] == round(sum(ro_met.values()) / sum(len(v) for v in ro.values()), 4) == 0.55
    per_1000 = [sum(met(*n[1:]) for n in by[k]) / PROFILES[k][0] * 1000 for k in PROFILES]
    assert f["gini"] == round(gini_by_definition(per_1000), 4)
    assert f["weakest_count"] == 2 and f["weakest_twinned"] == 1
    assert [names[c["id"]] for c in f["least_helped"]] == ["comm_d", "comm_e", "comm_a", "comm_b"]
    page = await client.get("/fairness?period=2026")
    assert page.status_code == 200 and 'data-figure="weakest_share">41.7%' in page.text
    assert 'data-figure="average_share">55.0%' in page.text


async def test_a_community_cannot_read_the_county_fairness_figures(client, frozen_clock):
    w, _ = await _county()
    r = await client.get(f"/api/v1/fairness?area_id={w.areas['county']['id']}", headers=await login(client, "admin_a"))
    assert r.status_code == 404
    r = await client.get(
        f"/api/v1/fairness?area_id={w.areas['west']['id']}", headers=await login(client, "street_east")
    )
    assert r.status_code == 404


async def test_an_allocation_runs_page_shows_the_shares_before_and_after_its_proposals(client, frozen_clock):
    w, ids = await _county()
    now = clock.now()
    run = MatchRun(
        kind="allocation",
        area=w.areas["county"]["id"],
        area_path=w.areas["county"]["path"],
        status="succeeded",
        progress=1.0,
        created_at=now,
        started_at=now,
        finished_at=now,
    )
    await run.save()
    offer = await make_offer("liaison", w.orgs["enterprise"], capacity=4)
    # The run proposes to serve 社区D's red need in full.
    await Match.insert(
        Match(
            need_id=ids["comm_d"][0],
            offer_id=offer.id,
            community_id=w.orgs["comm_d"]["id"],
            provider_id=w.orgs["enterprise"]["id"],
            quantity=4,
            source="run",
            run_id=run.id,
            status="proposed",
            created_at=now,
            updated_at=now,
        )
    )
    county = await login(client, "county")
    r = await client.get(f"/api/v1/match-runs/{run.id}/fairness", headers=county)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["before"]["weakest_share"] == 0.4167 and body["before"]["average_share"] == 0.55
    # 社区D's red need becomes met: (1.25 + 1) / 3 and (2.75 + 1) / 5.
    assert body["after"]["weakest_share"] == 0.75 and body["after"]["average_share"] == 0.75
    fragment = await client.get(f"/runs/{run.id}/fairness")
    assert 'data-before="weakest_share">41.7%' in fragment.text and 'data-after="weakest_share">75.0%' in fragment.text
    page = await client.get(f"/runs/{run.id}")
    assert f'hx-get="/runs/{run.id}/fairness"' in page.text
