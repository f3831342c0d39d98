"""The workload page and API count each grid's households on record (counts only, no personal data)."""

from factories import login, make_household, make_report_world, page_login


async def test_the_workload_counts_households_per_grid_without_personal_data(client):
    w = await make_report_world()
    resident = {"name": "王秀英", "phone": "13812345678"}
    await make_household("grid_a", w.areas["grid_a1"], residents=[resident])
    await make_household("grid_a", w.areas["grid_a1"], door="1单元102")
    street = await login(client, "street_east")
    r = await client.get(f"/api/v1/areas/{w.areas['east']['id']}/workload", headers=street)
    assert r.status_code == 200, r.text
    grids = {g["name"]: g for c in r.json()["communities"] for g in c["grid_loads"]}
    assert grids[w.areas["grid_a1"]["name"]]["households"] == 2
    assert grids[w.areas["grid_b1"]["name"]]["households"] == 0
    assert "王秀英" not in r.text and "13812345678" not in r.text
    client.cookies.clear()
    await page_login(client, "street_east")
    page = await client.get(f"/posts/workload?area_id={w.areas['east']['id']}")
    assert page.status_code == 200 and "户数" in page.text
    assert f'data-testid="households-{w.areas["grid_a1"]["id"]}">2<' in page.text
    assert "王秀英" not in page.text
