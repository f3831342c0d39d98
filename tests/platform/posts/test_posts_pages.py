import io

from openpyxl import load_workbook

from factories import csrf_token, make_area, make_world, page_login
from jinlin.core.tabular import write_xlsx
from jinlin.posts.importer import HEADERS
from jinlin.posts.tables import Post


async def test_a_community_admin_assigns_a_contact_on_the_grids_page(client):
    w = await make_world()
    await page_login(client, "admin_a")
    path = f"/areas/{w.areas['grid_a1']['id']}/posts"
    token = await csrf_token(client, path)
    r = await client.post(
        path,
        data={
            "_csrf_token": token,
            "kind": "part_time_grid_worker",
            "contact_name": "张兼职",
            "contact_phone": "13800009999",
        },
    )
    assert r.status_code == 303, r.text
    assert "张兼职" in (await client.get(path)).text


async def test_an_unknown_username_is_refused_naming_the_field_and_nothing_changes(client):
    w = await make_world()
    await page_login(client, "admin_a")
    path = f"/areas/{w.areas['grid_a1']['id']}/posts"
    token = await csrf_token(client, path)
    r = await client.post(path, data={"_csrf_token": token, "kind": "full_time_grid_worker", "username": "nobody"})
    assert r.status_code == 400 and 'data-field="username"' in r.text
    assert await Post.count() == 0


async def test_the_posts_list_filters_by_subtree_for_a_street_admin(client):
    w = await make_world()
    await Post.insert(
        Post(area=w.areas["grid_a1"]["id"], kind="part_time_grid_worker", contact_name="甲"),
        Post(area=w.areas["grid_b1"]["id"], kind="part_time_grid_worker", contact_name="乙"),
    )
    await page_login(client, "street_east")
    html = (await client.get(f"/posts?area_id={w.areas['comm_a']['id']}")).text
    assert "甲" in html and "乙" not in html
    assert (await client.get("/posts?area_id=abc")).status_code == 400


async def test_the_excel_template_round_trips_and_a_bad_row_imports_nothing(client):
    w = await make_world()
    from jinlin.areas.tables import Area

    await Area.update({Area.code: "G-A1"}).where(Area.id == w.areas["grid_a1"]["id"])
    await Area.update({Area.code: "G-B1"}).where(Area.id == w.areas["grid_b1"]["id"])
    await page_login(client, "admin_a")
    template = await client.get("/posts/import/template.xlsx")
    header = [c.value for c in next(load_workbook(io.BytesIO(template.content)).active.iter_rows(max_row=1))]
    assert header == list(HEADERS.values())
    good = [
        ("G-A1", "专职网格员", "", "grid_a", "", "", ""),
        ("G-A1", "下沉人员", "民政", "", "王民政", "13800001234", ""),
    ]
    bad = [*good, ("G-B1", "兼职网格员", "", "", "越界", "", "")]
    token = await csrf_token(client, "/posts/import")
    r = await client.post(
        "/posts/import",
        data={"_csrf_token": token},
        files={"file": ("p.xlsx", write_xlsx(list(HEADERS.values()), bad))},
    )
    assert r.status_code == 400 and "不在您负责的范围内" in r.text
    assert await Post.count() == 0
    r = await client.post(
        "/posts/import",
        data={"_csrf_token": token},
        files={"file": ("p.xlsx", write_xlsx(list(HEADERS.values()), good))},
    )
    assert r.status_code == 200 and 'data-testid="imported"' in r.text
    assert await Post.count() == 2


async def test_a_grid_page_offers_only_the_posts_of_its_level(client):
    w = await make_world()
    compound = await make_area("幸福小区", "compound", w.areas["grid_a1"])
    await page_login(client, "admin_a")
    html = (await client.get(f"/areas/{compound['id']}/posts")).text
    assert 'value="compound_party_secretary"' in html and 'value="full_time_grid_worker"' not in html


async def test_another_communitys_staffing_page_and_a_units_workload_page_are_not_found(client):
    w = await make_world()
    await page_login(client, "admin_b")
    assert (await client.get(f"/areas/{w.areas['grid_a1']['id']}/posts")).status_code == 404
    token = await csrf_token(client, f"/areas/{w.areas['grid_b1']['id']}/posts")
    r = await client.post(
        f"/areas/{w.areas['grid_a1']['id']}/posts",
        data={"_csrf_token": token, "kind": "part_time_grid_worker", "contact_name": "越界"},
    )
    assert r.status_code in (403, 404) and await Post.count() == 0
    client.cookies.clear()
    await page_login(client, "liaison")
    assert (await client.get(f"/posts/workload?area_id={w.areas['east']['id']}")).status_code == 404


async def test_a_county_admin_edits_the_department_list_and_thresholds_on_a_page(client):
    w = await make_world()
    await page_login(client, "county")
    url = f"/posts/policy/{w.areas['county']['id']}"
    token = await csrf_token(client, url)
    bad = await client.post(
        url,
        data={
            "_csrf_token": token,
            "departments": "water 水务",
            "split_population": "8000",
            "split_residents_per_worker": "1200",
        },
    )
    assert bad.status_code == 400 and 'data-field="departments"' in bad.text
    r = await client.post(
        url,
        data={
            "_csrf_token": token,
            "departments": "water 水务 Water\ncivil_affairs 民政 Civil affairs",
            "split_population": "8000",
            "split_residents_per_worker": "1200",
        },
    )
    assert r.status_code == 303, r.text
    from jinlin.posts.service import policy

    pol = await policy(w.areas["county"]["id"])
    assert [d.code for d in pol.departments] == ["water", "civil_affairs"] and pol.split_population == 8000
