from factories import login, make_world


async def _loop_until_completed(client, w):
    staff, liaison = await login(client, "staff_a"), await login(client, "liaison")
    need = (
        await client.post(
            "/api/v1/needs",
            headers=staff,
            json={
                "community_id": w.orgs["comm_a"]["id"],
                "area_id": w.areas["grid_a1"]["id"],
                "title": "楼道清扫",
                "category": "environment",
                "quantity": 2,
                "unit": "次",
                "urgency": 3,
                "importance": 3,
                "beneficiary_groups": ["empty_nest_elderly"],
                "publish": True,
            },
        )
    ).json()
    offer = (
        await client.post(
            "/api/v1/offers",
            headers=liaison,
            json={
                "organization_id": w.orgs["enterprise"]["id"],
                "title": "员工志愿清扫",
                "category": "environment",
                "capacity": 4,
                "unit": "次",
                "publish": True,
            },
        )
    ).json()
    match = (
        await client.post(
            "/api/v1/matches", headers=liaison, json={"need_id": need["id"], "offer_id": offer["id"], "quantity": 2}
        )
    ).json()
    assert match["provider_accepted_at"] is not None  # the liaison proposed: their side has accepted
    r = await client.post(f"/api/v1/matches/{match['id']}/accept", headers=staff)
    assert r.status_code == 200 and r.json()["status"] == "accepted", r.text
    assert (await client.post(f"/api/v1/matches/{match['id']}/start", headers=liaison)).status_code == 200
    r = await client.post(f"/api/v1/matches/{match['id']}/complete", headers=staff)
    assert r.status_code == 200 and r.json()["status"] == "completed"
    return staff, liaison, need, offer, match


async def test_the_loop_through_the_api_resolves_the_need(client):
    w = await make_world()
    staff, _, need, offer, _ = await _loop_until_completed(client, w)
    need = (await client.get(f"/api/v1/needs/{need['id']}", headers=staff)).json()
    assert need["status"] == "resolved" and need["colour"] == "red" and need["quantity_done"] == 2
    offer = (await client.get(f"/api/v1/offers/{offer['id']}", headers=staff)).json()
    assert offer["capacity_left"] == 2


async def test_a_wrong_transition_answers_409_naming_the_status(client):
    w = await make_world()
    staff, _, _, _, match = await _loop_until_completed(client, w)
    r = await client.post(f"/api/v1/matches/{match['id']}/cancel", headers=staff)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "wrong_status"
    assert r.json()["error"]["fields"]["status"] == "completed"
    assert "completed" in r.json()["error"]["message"]


async def test_ratings_are_blind_until_both_sides_rate(client):
    w = await make_world()
    staff, liaison, _, _, match = await _loop_until_completed(client, w)
    url = f"/api/v1/matches/{match['id']}/ratings"
    body = {"score": 5, "dimensions": {"timeliness": 5, "quality": 4, "communication": 5}, "comment": "很及时"}
    r = await client.post(url, headers=staff, json=body)
    assert r.status_code == 201, r.text
    assert r.json()["visible"] is True and r.json()["ratee_organization_id"] == w.orgs["enterprise"]["id"]
    hidden = (await client.get(url, headers=liaison)).json()
    assert hidden["can_rate"] is True
    assert [(i["visible"], i["score"], i["comment"]) for i in hidden["items"]] == [(False, None, None)]
    r = await client.post(url, headers=liaison, json={**body, "score": 4, "comment": "配合好"})
    assert r.status_code == 201
    for headers in (staff, liaison):
        items = (await client.get(url, headers=headers)).json()["items"]
        assert [(i["rater_side"], i["visible"], i["score"]) for i in items] == [
            ("community", True, 5),
            ("provider", True, 4),
        ]
    again = await client.post(url, headers=liaison, json=body)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_rated"


async def test_a_rating_needs_a_completed_match_and_scores_in_range(client):
    w = await make_world()
    staff, _liaison, _, _, match = await _loop_until_completed(client, w)
    url = f"/api/v1/matches/{match['id']}/ratings"
    r = await client.post(
        url, headers=staff, json={"score": 6, "dimensions": {"timeliness": 5, "quality": 4, "communication": 5}}
    )
    assert r.status_code == 400 and "score" in r.json()["error"]["fields"]
    outsider = await login(client, "admin_b")
    r = await client.post(
        url, headers=outsider, json={"score": 3, "dimensions": {"timeliness": 3, "quality": 3, "communication": 3}}
    )
    assert r.status_code in (403, 404)


async def test_a_liaison_cannot_touch_another_units_offer(client):
    w = await make_world()
    liaison = await login(client, "liaison")
    offer = (
        await client.post(
            "/api/v1/offers",
            headers=liaison,
            json={
                "organization_id": w.orgs["enterprise"]["id"],
                "title": "工具借用",
                "category": "materials",
                "capacity": 3,
                "publish": True,
            },
        )
    ).json()
    other = await login(client, "liaison2")
    assert (await client.patch(f"/api/v1/offers/{offer['id']}", headers=other, json={"capacity": 9})).status_code == 403
    assert (await client.post(f"/api/v1/offers/{offer['id']}/withdraw", headers=other)).status_code == 403
    r = await client.post(
        "/api/v1/offers",
        headers=other,
        json={"organization_id": w.orgs["enterprise"]["id"], "title": "冒名", "category": "materials", "capacity": 1},
    )
    assert r.status_code == 403
    assert (await client.get(f"/api/v1/offers/{offer['id']}", headers=liaison)).json()["capacity"] == 3


async def test_community_b_cannot_post_or_accept_for_community_a(client):
    w = await make_world()
    admin_b = await login(client, "admin_b")
    r = await client.post(
        "/api/v1/needs",
        headers=admin_b,
        json={"community_id": w.orgs["comm_a"]["id"], "title": "冒名", "category": "other", "quantity": 1},
    )
    assert r.status_code == 403
    staff, liaison = await login(client, "staff_a"), await login(client, "liaison")
    need = (
        await client.post(
            "/api/v1/needs",
            headers=staff,
            json={
                "community_id": w.orgs["comm_a"]["id"],
                "title": "助浴",
                "category": "elder_care",
                "quantity": 1,
                "publish": True,
            },
        )
    ).json()
    offer = (
        await client.post(
            "/api/v1/offers",
            headers=liaison,
            json={
                "organization_id": w.orgs["enterprise"]["id"],
                "title": "助浴",
                "category": "elder_care",
                "capacity": 1,
                "publish": True,
            },
        )
    ).json()
    match = (
        await client.post(
            "/api/v1/matches", headers=liaison, json={"need_id": need["id"], "offer_id": offer["id"], "quantity": 1}
        )
    ).json()
    r = await client.post(f"/api/v1/matches/{match['id']}/accept", headers=admin_b, json={"side": "community"})
    assert r.status_code in (403, 404)
    assert (await client.get(f"/api/v1/matches/{match['id']}", headers=staff)).json()["community_accepted_at"] is None


async def test_a_need_gets_its_colour_and_deadlines_from_the_policy(client, frozen_clock):
    w = await make_world()
    staff = await login(client, "staff_a")
    need = (
        await client.post(
            "/api/v1/needs",
            headers=staff,
            json={
                "community_id": w.orgs["comm_a"]["id"],
                "title": "管道抢修",
                "category": "home_repair",
                "quantity": 1,
                "urgency": 3,
                "importance": 2,
                "publish": True,
            },
        )
    ).json()
    assert need["colour"] == "orange"
    assert need["respond_by"].startswith("2026-11-21T09:00")
    assert need["resolve_by"].startswith("2026-11-23T09:00")
    county = await login(client, "county")
    r = await client.put(
        f"/api/v1/colour-policies/{w.areas['county']['id']}",
        headers=county,
        json={
            "red_respond_hours": 1,
            "red_resolve_hours": 12,
            "orange_respond_hours": 12,
            "orange_resolve_hours": 48,
            "yellow_respond_hours": 48,
            "yellow_resolve_hours": 120,
            "green_respond_hours": 120,
            "green_resolve_hours": 240,
            "rating_window_days": 7,
        },
    )
    assert r.status_code == 200, r.text
    need2 = (
        await client.post(
            "/api/v1/needs",
            headers=staff,
            json={
                "community_id": w.orgs["comm_a"]["id"],
                "title": "管道抢修",
                "category": "home_repair",
                "quantity": 1,
                "urgency": 3,
                "importance": 2,
                "publish": True,
            },
        )
    ).json()
    assert need2["respond_by"].startswith("2026-11-20T21:00")
    r = await client.put(
        f"/api/v1/colour-policies/{w.areas['county']['id']}",
        headers=staff,
        json={
            "red_respond_hours": 1,
            "red_resolve_hours": 12,
            "orange_respond_hours": 12,
            "orange_resolve_hours": 48,
            "yellow_respond_hours": 48,
            "yellow_resolve_hours": 120,
            "green_respond_hours": 120,
            "green_resolve_hours": 240,
        },
    )
    assert r.status_code == 403


async def test_a_draft_need_is_invisible_to_other_communities(client):
    w = await make_world()
    staff = await login(client, "staff_a")
    need = (
        await client.post(
            "/api/v1/needs",
            headers=staff,
            json={"community_id": w.orgs["comm_a"]["id"], "title": "草稿", "category": "other", "quantity": 1},
        )
    ).json()
    assert need["status"] == "draft"
    other = await login(client, "admin_c")
    assert (await client.get(f"/api/v1/needs/{need['id']}", headers=other)).status_code == 404
    assert (await client.get("/api/v1/needs", headers=other)).json()["total"] == 0
