from factories import login, make_area, make_world
from jinlin.audit.tables import AuditEvent
from jinlin.posts.tables import Post, PostPolicy


async def _staff(client, user, area_id, **body):
    return await client.post(f"/api/v1/areas/{area_id}/posts", json=body, headers=await login(client, user))


async def test_a_community_admin_staffs_a_grid_of_their_community(client):
    w = await make_world()
    r = await _staff(
        client, "admin_a", w.areas["grid_a1"]["id"], kind="full_time_grid_worker", account_id=w.accounts["grid_a"]
    )
    assert r.status_code == 201, r.text
    assert r.json()["holder_name"] == "grid_a" and r.json()["current"] is True
    assert await AuditEvent.exists().where((AuditEvent.object_type == "post") & (AuditEvent.action == "assign"))


async def test_a_community_admin_cannot_staff_another_community(client):
    w = await make_world()
    r = await _staff(
        client, "admin_a", w.areas["grid_b1"]["id"], kind="full_time_grid_worker", account_id=w.accounts["grid_a"]
    )
    assert r.status_code in (403, 404)
    assert await Post.count() == 0


async def test_a_street_admin_can_staff_any_grid_of_their_street_but_not_another_street(client):
    w = await make_world()
    grid_c1 = await make_area("网格C1", "grid", w.areas["comm_c"])
    for grid in ("grid_a1", "grid_b1"):
        r = await _staff(
            client,
            "street_east",
            w.areas[grid]["id"],
            kind="part_time_grid_worker",
            contact_name="张兼职",
            contact_phone="13800009999",
        )
        assert r.status_code == 201, r.text
    r = await _staff(client, "street_east", grid_c1["id"], kind="part_time_grid_worker", contact_name="张兼职")
    assert r.status_code in (403, 404)
    assert await Post.count() == 2


async def test_one_person_holds_posts_in_two_grids_and_one_grid_has_three_department_staff(client):
    w = await make_world()
    grid_a2 = await make_area("网格A2", "grid", w.areas["comm_a"])
    for grid in (w.areas["grid_a1"], grid_a2):
        r = await _staff(client, "admin_a", grid["id"], kind="full_time_grid_worker", account_id=w.accounts["grid_a"])
        assert r.status_code == 201, r.text
    for dept, name in (("civil_affairs", "王民政"), ("urban_management", "李城管"), ("health", "赵卫健")):
        r = await _staff(
            client,
            "admin_a",
            w.areas["grid_a1"]["id"],
            kind="department_staff",
            department=dept,
            contact_name=name,
            contact_phone="13700001111",
        )
        assert r.status_code == 201, r.text
    headers = await login(client, "street_east")
    mine = (await client.get(f"/api/v1/posts?account_id={w.accounts['grid_a']}", headers=headers)).json()
    assert {p["area_name"] for p in mine["items"]} == {"网格A1", "网格A2"}
    staff = (
        await client.get(f"/api/v1/posts?area_id={w.areas['comm_a']['id']}&kind=department_staff", headers=headers)
    ).json()
    assert staff["total"] == 3 and {p["department_label"] for p in staff["items"]} == {"民政", "城管", "卫生健康"}
    only = (await client.get("/api/v1/posts?department=health", headers=headers)).json()
    assert [p["holder_name"] for p in only["items"]] == ["赵卫健"]


async def test_a_post_must_fit_the_level_of_its_area(client):
    w = await make_world()
    r = await _staff(client, "admin_a", w.areas["grid_a1"]["id"], kind="building_head", contact_name="李大姐")
    assert r.status_code == 400 and "kind" in r.json()["error"]["fields"]
    r = await _staff(
        client, "admin_a", w.areas["grid_a1"]["id"], kind="department_staff", department="nonsense", contact_name="某人"
    )
    assert r.status_code == 400 and "department" in r.json()["error"]["fields"]
    r = await _staff(client, "admin_a", w.areas["grid_a1"]["id"], kind="full_time_grid_worker")
    assert r.status_code == 400 and "account_id" in r.json()["error"]["fields"]
    assert await Post.count() == 0


async def test_a_building_head_without_an_account_shows_a_masked_phone_to_others(client):
    w = await make_world()
    compound = await make_area("幸福小区", "compound", w.areas["grid_a1"])
    building = await make_area("1号楼", "building", compound)
    r = await _staff(
        client, "admin_a", building["id"], kind="building_head", contact_name="李大姐", contact_phone="13900005678"
    )
    assert r.status_code == 201 and r.json()["phone"] == "13900005678"
    other = await client.get(f"/api/v1/areas/{building['id']}/posts", headers=await login(client, "admin_c"))
    assert other.status_code == 404 or "13900005678" not in other.text


async def test_ending_a_post_keeps_its_history_and_a_second_end_is_refused(client):
    w = await make_world()
    created = (
        await _staff(
            client, "admin_a", w.areas["grid_a1"]["id"], kind="full_time_grid_worker", account_id=w.accounts["grid_a"]
        )
    ).json()
    headers = await login(client, "admin_a")
    assert (
        await client.post(f"/api/v1/posts/{created['id']}/end", headers=await login(client, "admin_b"))
    ).status_code in (403, 404)
    r = await client.post(f"/api/v1/posts/{created['id']}/end", headers=headers)
    assert r.status_code == 200 and r.json()["current"] is False
    again = await client.post(f"/api/v1/posts/{created['id']}/end", headers=headers)
    assert again.status_code == 409
    history = (await client.get(f"/api/v1/areas/{w.areas['grid_a1']['id']}/posts?status=all", headers=headers)).json()
    assert history["total"] == 1 and history["items"][0]["ends_at"] is not None
    assert (await client.get(f"/api/v1/posts?area_id={w.areas['grid_a1']['id']}", headers=headers)).json()["total"] == 0
    assert await AuditEvent.exists().where((AuditEvent.object_type == "post") & (AuditEvent.action == "end"))


async def test_a_holder_sees_their_own_posts_and_nothing_else(client):
    w = await make_world()
    await _staff(
        client,
        "admin_a",
        w.areas["grid_a1"]["id"],
        kind="department_staff",
        department="health",
        account_id=w.accounts["volunteer"],
    )
    await _staff(client, "admin_a", w.areas["grid_a1"]["id"], kind="part_time_grid_worker", contact_name="别人")
    mine = (await client.get("/api/v1/posts", headers=await login(client, "volunteer"))).json()
    assert [p["kind"] for p in mine["items"]] == ["department_staff"]


async def test_the_county_sets_its_department_list_and_thresholds(client):
    w = await make_world()
    county = w.areas["county"]["id"]
    body = {
        "departments": [
            {"code": "civil_affairs", "zh": "民政", "en": "Civil affairs"},
            {"code": "water", "zh": "水务", "en": "Water"},
        ],
        "split_population": 8000,
    }
    assert (
        await client.put(f"/api/v1/post-policies/{county}", json=body, headers=await login(client, "street_east"))
    ).status_code == 403
    r = await client.put(f"/api/v1/post-policies/{county}", json=body, headers=await login(client, "county"))
    assert r.status_code == 200 and r.json()["split_population"] == 8000
    assert r.json()["split_residents_per_worker"] == 1500
    ok = await _staff(
        client, "admin_a", w.areas["grid_a1"]["id"], kind="department_staff", department="water", contact_name="钱水务"
    )
    assert ok.status_code == 201 and ok.json()["department_label"] == "水务"
    gone = await _staff(
        client, "admin_a", w.areas["grid_a1"]["id"], kind="department_staff", department="health", contact_name="赵卫健"
    )
    assert gone.status_code == 400


async def test_a_start_time_without_a_time_zone_is_refused_naming_the_field(client):
    w = await make_world()
    r = await _staff(
        client,
        "admin_a",
        w.areas["grid_a1"]["id"],
        kind="part_time_grid_worker",
        contact_name="甲",
        starts_at="2026-11-01T09:00:00",
    )
    assert r.status_code == 400 and "starts_at" in str(r.json()["error"]["fields"])
    assert await Post.count() == 0


async def test_another_countys_post_policy_is_neither_read_nor_set_from_this_one(client):
    w = await make_world()
    other = (await make_area("邻县", "county"))["id"]
    body = {"split_population": 8000}
    for user in ("county", "street_east", "admin_a", "grid_a"):
        assert (
            await client.get(f"/api/v1/post-policies/{other}", headers=await login(client, user))
        ).status_code == 404
    county = await login(client, "county")
    assert (await client.put(f"/api/v1/post-policies/{other}", json=body, headers=county)).status_code in (403, 404)
    assert await PostPolicy.count() == 0
    assert not await AuditEvent.exists().where(AuditEvent.object_type == "post_policy")
    # Their own county's list is theirs to read, as before.
    own = await client.get(f"/api/v1/post-policies/{w.areas['county']['id']}", headers=await login(client, "grid_a"))
    assert own.status_code == 200 and own.json()["split_population"] == 10000
