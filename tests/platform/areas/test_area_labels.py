"""Area pickers show the path (第2网格 › 3号楼), and service areas are checkboxes."""

from factories import make_area, make_world, page_login


async def test_the_need_form_names_places_by_their_path_under_the_community(client):
    w = await make_world()
    compound = await make_area("幸福小区", "compound", w.areas["grid_a1"])
    await make_area("3号楼", "building", compound)
    other = await make_area("第2网格", "grid", w.areas["comm_a"])
    await make_area("3号楼", "building", await make_area("和平小区", "compound", other))
    await page_login(client, "admin_a")
    html = (await client.get("/needs/new")).text
    assert ">网格A1 › 幸福小区 › 3号楼</option>" in html
    assert ">第2网格 › 和平小区 › 3号楼</option>" in html
    assert ">社区A</option>" in html


async def test_service_areas_are_chosen_with_checkboxes_named_by_path(client):
    await make_world()
    await page_login(client, "liaison")
    html = (await client.get("/offers/new")).text
    assert 'type="checkbox" name="service_area_ids"' in html and '<select name="service_area_ids"' not in html
    assert "东街道 › 社区A</label>" in html
