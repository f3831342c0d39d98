from factories import csrf_token, make_world, page_login
from jinlin.areas.tables import Area

CSV = "名称,级别,编码,上级编码,纬度,经度,人口\n好社区,社区,E01-C1,E01,35.1,117.2,100\n坏社区,星球,E01-C2,E01,35.1,117.2,100\n"


async def test_the_area_page_shows_breadcrumbs_and_children(client):
    w = await make_world()
    await page_login(client, "admin_a")
    html = (await client.get(f"/areas/{w.areas['comm_a']['id']}")).text
    assert "测试县" in html and "东街道" in html and "网格A1" in html
    assert f'action="/areas/{w.areas["comm_a"]["id"]}/children"' in html


async def test_adding_a_child_area_from_the_page_redirects_to_it(client):
    w = await make_world()
    await page_login(client, "admin_a")
    token = await csrf_token(client, f"/areas/{w.areas['comm_a']['id']}")
    r = await client.post(
        f"/areas/{w.areas['comm_a']['id']}/children",
        data={"_csrf_token": token, "name": "网格A9", "level": "grid", "population": "300"},
    )
    assert r.status_code == 303
    assert await Area.exists().where((Area.name == "网格A9") & (Area.population == 300))


async def test_a_bad_field_is_shown_next_to_it_and_nothing_is_saved(client):
    w = await make_world()
    await page_login(client, "admin_a")
    token = await csrf_token(client, f"/areas/{w.areas['comm_a']['id']}")
    r = await client.post(
        f"/areas/{w.areas['comm_a']['id']}/children",
        data={"_csrf_token": token, "name": "网格A9", "level": "grid", "lat": "999"},
    )
    assert r.status_code == 400
    assert 'data-field="lat"' in r.text
    assert not await Area.exists().where(Area.name == "网格A9")


async def test_a_form_without_the_csrf_token_is_refused(client):
    w = await make_world()
    await page_login(client, "admin_a")
    await client.get("/")
    r = await client.post(f"/areas/{w.areas['comm_a']['id']}/children", data={"name": "x", "level": "grid"})
    assert r.status_code == 403
    assert not await Area.exists().where(Area.name == "x")


async def test_the_import_page_lists_every_bad_row_and_imports_nothing(client):
    w = await make_world()
    await Area.update({Area.code: "E01"}).where(Area.id == w.areas["east"]["id"])
    await page_login(client, "county")
    token = await csrf_token(client, "/areas/import")
    r = await client.post(
        "/areas/import", data={"_csrf_token": token}, files={"file": ("areas.csv", CSV.encode(), "text/csv")}
    )
    assert r.status_code == 400
    assert 'data-testid="row-errors"' in r.text and "<td>3</td><td>级别</td>" in r.text
    assert not await Area.exists().where(Area.code == "E01-C1")
