"""网格例会: attendees from the grid's posts, action items carried over, the community's month overview."""

from factories import MARKER, login, make_post, make_records_world
from jinlin.meetings.tables import ActionItem, Meeting
from jinlin.needs.tables import Need
from jinlin.posts.tables import Post


async def _posts(grid_id: int) -> list[int]:
    return [p["id"] for p in await Post.select(Post.id).where(Post.area == grid_id)]


async def test_the_next_meeting_opens_with_the_last_ones_open_items(client, frozen_clock):
    w = await make_records_world()
    grid = w.areas["grid_a1"]
    headers = await login(client, "grid_a")
    r = await client.post(
        "/api/v1/meetings",
        headers=headers,
        json={
            "grid_id": grid["id"],
            "held_on": "2026-11-05",
            "attendee_post_ids": await _posts(grid["id"]),
            "topics": "楼道堆物",
            "decisions": "本周清理",
            "action_items": [
                {"title": "清理3号楼楼道", "due_on": "2026-11-12", "owner_id": w.accounts["grid_a"]},
                {"title": "联系物业修路灯", "due_on": "2026-11-30"},
            ],
        },
    )
    assert r.status_code == 201, r.text
    first = r.json()
    assert [a["name"] for a in first["attendees"]] == ["grid_a"] and len(first["action_items"]) == 2
    assert first["action_items"][0]["overdue"]  # due on the 12th, today is the 20th
    done_id = first["action_items"][1]["id"]
    assert (await client.post(f"/api/v1/action-items/{done_id}/done", headers=headers)).status_code == 200
    assert (await client.post(f"/api/v1/action-items/{done_id}/done", headers=headers)).status_code == 409
    r = await client.get("/api/v1/meetings/open-items", headers=headers, params={"grid_id": grid["id"]})
    assert [i["title"] for i in r.json()] == ["清理3号楼楼道"]
    r = await client.post("/api/v1/meetings", headers=headers, json={"grid_id": grid["id"], "held_on": "2026-11-19"})
    second = r.json()
    assert [i["title"] for i in second["carried_over"]] == ["清理3号楼楼道"] and second["action_items"] == []
    assert (await client.get(f"/api/v1/meetings/{first['id']}", headers=headers)).json()["carried_over"] == []


async def test_attendees_must_hold_a_post_on_the_grid_and_refusals_change_nothing(client, frozen_clock):
    w = await make_records_world()
    other_post = (await _posts(w.areas["grid_a2"]["id"]))[0]
    body = {"grid_id": w.areas["grid_a1"]["id"], "held_on": "2026-11-05", "attendee_post_ids": [other_post]}
    r = await client.post("/api/v1/meetings", headers=await login(client, "grid_a"), json=body)
    assert r.status_code == 400 and "attendee_post_ids" in r.text
    body["attendee_post_ids"] = []
    for username in ("grid_a2", "street_east", "liaison"):
        r = await client.post("/api/v1/meetings", headers=await login(client, username), json=body)
        assert r.status_code in (403, 404)
    r = await client.post(
        "/api/v1/meetings", headers=await login(client, "grid_a"), json={**body, "held_on": "2026-12-05"}
    )
    assert r.status_code == 400 and "held_on" in r.text
    assert await Meeting.count() == 0 and await ActionItem.count() == 0


async def test_an_action_item_becomes_a_need_without_a_residents_name(client, frozen_clock):
    w = await make_records_world()
    grid = w.areas["grid_a1"]
    headers = await login(client, "admin_a")
    meeting = (
        await client.post(
            "/api/v1/meetings",
            headers=headers,
            json={
                "grid_id": grid["id"],
                "held_on": "2026-11-18",
                "action_items": [
                    {"title": f"帮{MARKER}申请助餐", "due_on": "2026-11-30"},
                    {"title": "为独居老人安装扶手", "due_on": "2026-11-30"},
                ],
            },
        )
    ).json()
    named, plain = meeting["action_items"]
    r = await client.post(f"/api/v1/action-items/{named['id']}/need", headers=headers, json={"category": "elder_care"})
    assert r.status_code == 400 and MARKER not in r.text and await Need.count() == 0
    r = await client.post(f"/api/v1/action-items/{plain['id']}/need", headers=headers, json={"category": "home_repair"})
    assert r.status_code == 200 and r.json()["need_id"]
    need = await Need.select().first()
    assert need["title"] == "为独居老人安装扶手" and need["area_id"] == grid["id"]
    r = await client.post(f"/api/v1/action-items/{plain['id']}/need", headers=headers, json={})
    assert r.status_code == 409 and await Need.count() == 1


async def test_the_month_overview_flags_grids_that_missed_their_meeting(client, frozen_clock):
    w = await make_records_world()
    await client.post(
        "/api/v1/meetings",
        headers=await login(client, "grid_a"),
        json={"grid_id": w.areas["grid_a1"]["id"], "held_on": "2026-10-15"},
    )
    params = {"community_id": w.orgs["comm_a"]["id"], "month": "2026-10"}
    r = await client.get("/api/v1/meetings/by-month", headers=await login(client, "street_east"), params=params)
    assert r.status_code == 200, r.text
    by_grid = {g["grid_name"]: g for g in r.json()}
    assert not by_grid["网格A1"]["missed"] and len(by_grid["网格A1"]["meetings"]) == 1
    assert by_grid["网格A2"]["missed"]
    r = await client.get(
        "/api/v1/meetings/by-month", headers=await login(client, "admin_a"), params={**params, "month": "2026-11"}
    )
    assert not any(g["missed"] for g in r.json())  # the month is not over yet
    r = await client.get("/api/v1/meetings/by-month", headers=await login(client, "admin_b"), params=params)
    assert r.status_code == 404
    r = await client.get(
        "/api/v1/meetings/by-month", headers=await login(client, "admin_a"), params={**params, "month": "2026-13"}
    )
    assert r.status_code == 400


async def test_the_grid_chief_of_the_community_attends_any_of_its_grids(client, frozen_clock):
    w = await make_records_world()
    chief = await make_post(w.areas["comm_a"], w.accounts["staff_a"], kind="grid_chief")
    r = await client.post(
        "/api/v1/meetings",
        headers=await login(client, "staff_a"),
        json={"grid_id": w.areas["grid_a2"]["id"], "held_on": "2026-11-18", "attendee_post_ids": [chief]},
    )
    assert r.status_code == 201, r.text
    assert r.json()["attendees"][0]["kind"] == "grid_chief"


async def test_street_staff_see_the_month_overview_but_not_the_minutes(client, frozen_clock):
    w = await make_records_world()
    meeting = (
        await client.post(
            "/api/v1/meetings",
            headers=await login(client, "grid_a"),
            json={"grid_id": w.areas["grid_a1"]["id"], "held_on": "2026-11-05", "topics": "3号楼独居老人冬季取暖"},
        )
    ).json()
    r = await client.get(f"/api/v1/meetings/{meeting['id']}", headers=await login(client, "street_east"))
    assert r.status_code == 404 and "取暖" not in r.text
    r = await client.get(f"/api/v1/meetings/{meeting['id']}", headers=await login(client, "staff_a"))
    assert r.status_code == 200 and "取暖" in r.text
    r = await client.get(
        "/api/v1/meetings/by-month",
        headers=await login(client, "street_east"),
        params={"community_id": w.orgs["comm_a"]["id"], "month": "2026-11"},
    )
    assert r.status_code == 200 and "取暖" not in r.text
