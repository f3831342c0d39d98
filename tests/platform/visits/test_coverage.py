"""走访覆盖率 recomputed from the rows: an independent recount agrees with the figures."""

import random
from datetime import timedelta

from factories import login, make_household, make_post, make_records_world
from jinlin.households.tables import FocusMembership, Household
from jinlin.visits.tables import Visit

GROUPS = ["empty_nest_elderly", "disabled", "community_corrections", "minimum_living_allowance"]
EVERY = {"empty_nest_elderly": 7, "disabled": 14, "community_corrections": 30, "minimum_living_allowance": 30}


async def _recount(area_path: str, today) -> tuple[int, int]:
    """On time = last visit (or the record date) plus the shortest frequency is today or later."""
    households = await Household.select(Household.id, Household.created_at).where(
        Household.grid.path.like(f"{area_path}%") & (Household.status == "active")
    )
    focus = on_time = 0
    for h in households:
        groups = [r["focus_group"] for r in await FocusMembership.select().where(FocusMembership.household == h["id"])]
        if not groups:
            continue
        focus += 1
        visits = [v["visited_on"] for v in await Visit.select().where(Visit.household == h["id"])]
        start = max(visits) + timedelta(days=min(EVERY[g] for g in groups)) if visits else h["created_at"].date()
        on_time += start >= today
    return focus, on_time


async def test_coverage_per_grid_community_and_street_matches_a_recount_from_rows(client, frozen_clock):
    w = await make_records_world()
    await make_post(w.areas["grid_b1"], w.accounts["admin_b"])
    rnd = random.Random(14)
    keepers = [("grid_a", w.areas["grid_a1"]), ("grid_a2", w.areas["grid_a2"]), ("admin_b", w.areas["grid_b1"])]
    made = []
    for n in range(12):
        username, grid = rnd.choice(keepers)
        residents = [{"name": f"居民{n}", "focus_groups": rnd.sample(GROUPS, rnd.randint(0, 2))}]
        made.append((username, await make_household(username, grid, residents, door=f"{n}号")))
    for _day in range(20):
        frozen_clock.advance(days=1)
        for username, household in made:
            if rnd.random() < 0.15:
                await client.post(
                    "/api/v1/visits", headers=await login(client, username), json={"household_id": household.id}
                )
    today = (frozen_clock.now + timedelta(hours=8)).date()
    r = await client.get(
        "/api/v1/visits/coverage", headers=await login(client, "street_east"), params={"area_id": w.areas["east"]["id"]}
    )
    assert r.status_code == 200, r.text
    rows = {row["area_id"]: row for row in r.json()}
    for key in ("east", "comm_a", "comm_b", "grid_a1", "grid_a2", "grid_b1"):
        focus, on_time = await _recount(w.areas[key]["path"], today)
        row = rows[w.areas[key]["id"]]
        assert (row["focus_households"], row["on_time"]) == (focus, on_time), key
        assert row["rate"] == (round(on_time / focus, 4) if focus else None)
    assert rows[w.areas["east"]["id"]]["focus_households"] > 0
    assert w.areas["west"]["id"] not in rows
    r = await client.get(
        "/api/v1/visits/coverage", headers=await login(client, "street_west"), params={"area_id": w.areas["east"]["id"]}
    )
    assert r.status_code == 404


async def test_the_coverage_page_shows_street_staff_counts_but_no_names(client, frozen_clock):
    from factories import MARKER, page_login

    w = await make_records_world()
    await page_login(client, "street_east")
    r = await client.get(f"/visits/coverage?area_id={w.areas['east']['id']}")
    assert r.status_code == 200 and "网格A1" in r.text and "空巢老人" in r.text and MARKER not in r.text
    await page_login(client, "street_west")
    assert (await client.get(f"/visits/coverage?area_id={w.areas['east']['id']}")).status_code == 404
