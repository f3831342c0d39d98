from datetime import timedelta

from factories import login, make_area, make_org, page_login
from jinlin.core import clock
from jinlin.needs.tables import Need
from jinlin.posts.tables import Post
from jinlin.posts.workload import split_reasons, workload


async def _tree():
    """县 › 街道 › 社区 (grids G1: 2 compounds' buildings with 1200 + 1800 residents; G2: 900, no worker)."""
    county = await make_area("县", "county")
    street = await make_area("街道", "street", county)
    community = await make_area("社区", "community", street)
    org = await make_org("社区居委会", "community", community)
    g1 = await make_area("G1", "grid", community)
    g2 = await make_area("G2", "grid", community, population=900)
    compound = await make_area("小区", "compound", g1)
    b1 = await make_area("1号楼", "building", compound, population=1200)
    b2 = await make_area("2号楼", "building", compound, population=1800)
    return {
        "county": county,
        "street": street,
        "community": community,
        "org": org,
        "g1": g1,
        "g2": g2,
        "compound": compound,
        "b1": b1,
        "b2": b2,
    }


async def test_workload_figures_on_a_small_hand_made_tree(engine, frozen_clock):
    t = await _tree()
    now = clock.now()
    await Post.insert(
        Post(area=t["g1"]["id"], kind="full_time_grid_worker", contact_name="甲"),
        Post(area=t["g1"]["id"], kind="full_time_grid_worker", contact_name="乙"),
        Post(area=t["g1"]["id"], kind="part_time_grid_worker", contact_name="丙"),
        Post(area=t["g1"]["id"], kind="department_staff", department="health", contact_name="丁"),
        Post(area=t["b1"]["id"], kind="building_head", contact_name="戊"),
        Post(area=t["g2"]["id"], kind="full_time_grid_worker", contact_name="旧", ends_at=now),  # ended: not counted
    )
    base = {"community_id": t["org"]["id"], "title": "x", "category": "health", "quantity": 1, "colour": "red"}
    await Need.insert(
        Need(area_id=t["b2"]["id"], status="published", resolve_by=now - timedelta(hours=1), **base),  # overdue
        Need(area_id=t["g1"]["id"], status="in_progress", resolve_by=now + timedelta(days=1), **base),
        Need(
            area_id=t["g1"]["id"],
            status="in_progress",
            respond_by=now - timedelta(days=1),
            responded_at=now - timedelta(days=2),
            **base,
        ),
        Need(area_id=t["g1"]["id"], status="resolved", resolve_by=now - timedelta(days=1), **base),  # closed
        Need(area_id=t["g2"]["id"], status="published", respond_by=now - timedelta(hours=2), **base),  # overdue
    )
    load = await workload(t["street"]["id"])
    [community] = load.communities
    g1, g2 = sorted(community.grid_loads, key=lambda g: g.name)
    assert (g1.residents, g1.people_on_post, g1.grid_workers, g1.full_time_workers) == (3000, 4, 3, 2)
    assert g1.residents_per_full_time_worker == 1500.0
    assert (g1.open_needs, g1.overdue_needs) == (3, 1)
    assert g1.open_needs_per_worker == 1.0 and g1.overdue_needs_per_worker == 0.3
    assert [b["name"] for b in g1.buildings_without_head] == ["2号楼"] and not g1.no_grid_worker
    assert g2.no_grid_worker and g2.residents == 900 and g2.residents_per_full_time_worker is None
    assert (g2.open_needs, g2.overdue_needs) == (1, 1)
    assert (community.residents, community.full_time_workers, community.residents_per_full_time_worker) == (
        3900,
        2,
        1950.0,
    )
    empty = {(e["name"], e["kind"]) for e in load.empty_posts}
    assert empty == {
        ("社区", "grid_chief"),
        ("G2", "full_time_grid_worker"),
        ("小区", "compound_party_secretary"),
        ("2号楼", "building_head"),
    }


def test_the_split_flag_is_raised_above_the_thresholds_and_not_at_them():
    assert split_reasons(10_000, 1000.0, 10, 10_000, 1_500) == []
    assert split_reasons(10_001, 1000.1, 10, 10_000, 1_500) == ["population"]
    assert split_reasons(3_000, 1500.0, 2, 10_000, 1_500) == []
    assert split_reasons(3_001, 1500.5, 2, 10_000, 1_500) == ["residents_per_worker"]
    assert split_reasons(500, None, 0, 10_000, 1_500) == ["residents_per_worker"]


async def test_a_community_at_the_threshold_is_not_flagged_and_one_resident_more_is(engine):
    t = await _tree()
    await Post.insert(
        Post(area=t["g1"]["id"], kind="full_time_grid_worker", contact_name="甲"),
        Post(area=t["g2"]["id"], kind="full_time_grid_worker", contact_name="乙"),
    )
    from jinlin.areas.tables import Area

    await Area.update({Area.population: 900}).where(Area.id == t["b2"]["id"])  # 1200 + 900 + 900: 1500 per worker
    assert not (await workload(t["county"]["id"])).communities[0].split_flag
    await Area.update({Area.population: 901}).where(Area.id == t["b2"]["id"])
    c = (await workload(t["county"]["id"])).communities[0]
    assert c.split_flag and c.split_reasons == ["residents_per_worker"]


async def test_the_weakness_index_takes_its_staff_load_from_the_posts(client):
    t = await _tree()
    from factories import make_account

    await make_account("cty", [((await make_org("县委社会工作部", "agency", t["county"]))["id"], "county_admin")])
    headers = await login(client, "cty")
    body = {"population": 100, "grid_workers": 50, "funding_gap": 0, "facility_gap": 0.0}
    r = await client.put(f"/api/v1/communities/{t['org']['id']}/profile", json=body, headers=headers)
    assert r.status_code == 200 and r.json()["population"] == 3900  # the tree's, not the typed 100
    assert r.json()["weakness"]["staff_load"] == 0.0  # no worker on post yet: the typed 50 still count
    await Post.insert(Post(area=t["g1"]["id"], kind="full_time_grid_worker", contact_name="员"))
    r = await client.get(f"/api/v1/communities/{t['org']['id']}/profile", headers=headers)
    assert r.json()["grid_workers"] == 1 and r.json()["weakness"]["staff_load"] == 1.0  # 3900 per worker


async def test_the_area_page_the_workload_and_the_weakness_index_agree_on_a_community_s_population(client):
    t = await _tree()
    from factories import make_account
    from jinlin.areas.tables import Area

    # the community's own typed figure is stale: its grids' are known (G1 3000 from its buildings, G2 900)
    await Area.update({Area.population: 10_000}).where(Area.id == t["community"]["id"])
    await make_account("cty", [((await make_org("县委社会工作部", "agency", t["county"]))["id"], "county_admin")])
    await page_login(client, "cty")
    html = (await client.get(f"/areas/{t['community']['id']}")).text
    assert "<strong>3900</strong>" in html and "<strong>10000</strong>" not in html
    assert (await workload(t["county"]["id"])).communities[0].residents == 3900
    headers = await login(client, "cty")
    body = {"population": 100, "grid_workers": 1, "funding_gap": 0, "facility_gap": 0.0}
    r = await client.put(f"/api/v1/communities/{t['org']['id']}/profile", json=body, headers=headers)
    assert r.status_code == 200 and r.json()["population"] == 3900
    # and a community whose grids have no figure at all keeps its own
    lone = await make_area("新社区", "community", t["street"], population=700)
    await make_area("新网格", "grid", lone)
    assert next(c for c in (await workload(t["county"]["id"])).communities if c.id == lone["id"]).residents == 700


async def test_the_workload_page_ranks_communities_and_lists_empty_posts(client):
    t = await _tree()
    from factories import make_account

    await make_account("st", [((await make_org("街道办", "street_office", t["street"]))["id"], "street_admin")])
    await page_login(client, "st")
    html = (await client.get(f"/posts/workload?area_id={t['street']['id']}")).text
    assert 'data-testid="community-load"' in html and "社区" in html and 'data-testid="split-flag"' in html
    assert "2号楼" in html
    api = await client.get(f"/api/v1/areas/{t['street']['id']}/workload", headers=await login(client, "st"))
    assert api.status_code == 200 and api.json()["communities"][0]["residents"] == 3900
