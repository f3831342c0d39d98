"""走访: due dates per frequency, the visit list, recording a visit and its follow-up need."""

from datetime import date, timedelta

from factories import MARKER, login, make_account, make_household, make_post, make_records_world
from jinlin.needs.tables import Need
from jinlin.orgs.tables import Registration
from jinlin.visits.tables import Visit

ELDER = {"name": "乙某", "focus_groups": ["empty_nest_elderly"]}
CORRECTIONS = {"name": "丙某", "focus_groups": ["community_corrections"]}


async def _due(client, headers, **params):
    r = await client.get("/api/v1/visits/due", headers=headers, params=params)
    assert r.status_code == 200, r.text
    return r.json()


async def test_a_household_is_due_its_shortest_frequency_after_the_last_visit(client, frozen_clock):
    w = await make_records_world()  # 空巢老人: every 7 days by default
    hid = w.orgs["household"]["id"]
    headers = await login(client, "grid_a")
    today = date(2026, 11, 20)
    [item] = await _due(client, headers)
    assert item["due_on"] == today.isoformat() and not item["overdue"] and item["every_days"] == 7
    frozen_clock.advance(days=1)
    [item] = await _due(client, headers)
    assert item["overdue"] and item["days_overdue"] == 1
    r = await client.post("/api/v1/visits", headers=headers, json={"household_id": hid, "method": "phone"})
    assert r.status_code == 201, r.text
    assert await _due(client, headers, within_days=6) == []  # visited today: next due in 7 days
    [item] = await _due(client, headers, within_days=7)
    assert item["due_on"] == (today + timedelta(days=8)).isoformat() and not item["overdue"]
    admin = await login(client, "admin_a")
    r = await client.put(
        f"/api/v1/visit-plans/{w.orgs['comm_a']['id']}", headers=admin, json={"plans": {"empty_nest_elderly": 3}}
    )
    assert r.status_code == 200 and r.json()["plans"]["empty_nest_elderly"] == 3
    [item] = await _due(client, headers)
    assert item["due_on"] == (today + timedelta(days=4)).isoformat()
    frozen_clock.advance(days=3)  # the due day itself (China time) is not yet overdue
    assert not (await _due(client, headers))[0]["overdue"]
    frozen_clock.advance(days=1)
    assert (await _due(client, headers))[0]["overdue"]


async def test_the_visit_list_covers_only_the_callers_grid_nearest_due_first(client, frozen_clock):
    w = await make_records_world()
    await make_household("grid_a", w.areas["grid_a1"], [CORRECTIONS], door="9单元901")
    await make_household("grid_a2", w.areas["grid_a2"], [ELDER], door="2单元201")
    await make_household("grid_a", w.areas["grid_a1"], [{"name": "丁某"}], door="3单元301")  # no focus group
    frozen_clock.advance(days=2)
    await client.post(
        "/api/v1/visits", headers=await login(client, "grid_a"), json={"household_id": w.orgs["household"]["id"]}
    )
    items = await _due(client, await login(client, "grid_a"), within_days=30)
    assert [(i["door"], i["due_on"]) for i in items] == [("9单元901", "2026-11-20"), ("1单元101", "2026-11-29")]
    assert [i["door"] for i in await _due(client, await login(client, "grid_a2"))] == ["2单元201"]
    assert await _due(client, await login(client, "liaison")) == []


async def test_a_party_member_sees_and_visits_the_households_assigned_to_them(client, frozen_clock):
    w = await make_records_world()
    member = await make_account("party_member", [])
    r = await client.patch(
        f"/api/v1/households/{w.orgs['household']['id']}",
        headers=await login(client, "grid_a"),
        json={"party_member_id": member},
    )
    assert r.status_code == 400 and "party_member_id" in r.text  # not registered (报到) with the community yet
    await Registration.insert(
        Registration(
            community=w.orgs["comm_a"]["id"],
            kind="party_member",
            account=member,
            organization=w.orgs["enterprise"]["id"],
        )
    )
    r = await client.patch(
        f"/api/v1/households/{w.orgs['household']['id']}",
        headers=await login(client, "grid_a"),
        json={"party_member_id": member},
    )
    assert r.status_code == 200, r.text
    headers = await login(client, "party_member")
    [item] = await _due(client, headers)
    assert MARKER not in str(item)
    r = await client.post(
        "/api/v1/visits", headers=headers, json={"household_id": item["household_id"], "findings": "身体尚可"}
    )
    assert r.status_code == 201
    assert (await client.get(f"/api/v1/residents/{1}", headers=headers)).status_code == 404


async def test_a_follow_up_becomes_a_need_without_personal_data(client, frozen_clock):
    w = await make_records_world()
    hid = w.orgs["household"]["id"]
    headers = await login(client, "grid_a")
    r = await client.post(
        "/api/v1/visits",
        headers=headers,
        json={
            "household_id": hid,
            "method": "home",
            "findings": f"{MARKER}腿脚不便",
            "follow_up": "联系助餐",
            "need": {"title": f"为{MARKER}助餐", "category": "elder_care"},
        },
    )
    assert r.status_code == 400 and "need_title" in r.text and MARKER not in r.text
    assert await Visit.count() == 0 and await Need.count() == 0
    r = await client.post(
        "/api/v1/visits",
        headers=headers,
        json={"household_id": hid, "need": {"title": "助餐 13912340000", "category": "elder_care"}},
    )
    assert r.status_code == 400 and await Need.count() == 0
    r = await client.post(
        "/api/v1/visits",
        headers=headers,
        json={
            "household_id": hid,
            "method": "home",
            "findings": f"{MARKER}腿脚不便",
            "follow_up": "联系助餐",
            "need": {"title": "独居老人每日助餐", "category": "elder_care"},
        },
    )
    assert r.status_code == 201, r.text
    need = await Need.select().first()
    assert need["title"] == "独居老人每日助餐" and need["status"] == "published" and need["description"] == ""
    assert need["area_id"] == w.areas["grid_a1"]["id"] and "empty_nest_elderly" in str(need["beneficiary_groups"])
    assert r.json()["need_id"] == need["id"] and r.json()["findings"] == f"{MARKER}腿脚不便"
    raw = await Visit.raw("SELECT findings_enc, follow_up_enc FROM visit")
    assert MARKER not in str(raw) and "助餐" not in str(raw)


async def test_refused_visits_change_nothing(client, frozen_clock):
    w = await make_records_world()
    hid = w.orgs["household"]["id"]
    for username in ("grid_a2", "street_east", "liaison"):
        r = await client.post("/api/v1/visits", headers=await login(client, username), json={"household_id": hid})
        assert r.status_code == 404
    r = await client.post(
        "/api/v1/visits", headers=await login(client, "grid_a"), json={"household_id": hid, "visited_on": "2026-12-01"}
    )
    assert r.status_code == 400 and "visited_on" in r.text
    r = await client.post(
        "/api/v1/visits", headers=await login(client, "grid_a"), json={"household_id": hid, "method": "carrier-pigeon"}
    )
    assert r.status_code == 400
    assert await Visit.count() == 0


async def test_department_staff_on_the_grid_keep_its_households_too(client, frozen_clock):
    w = await make_records_world()
    staff = await make_account("civil_affairs", [])
    await make_post(w.areas["grid_a1"], staff, kind="department_staff", department="civil_affairs")
    assert len(await _due(client, await login(client, "civil_affairs"))) == 1


async def test_the_community_admin_sets_visit_frequencies_on_the_page(client, frozen_clock):
    from factories import csrf_token, page_login

    w = await make_records_world()
    await page_login(client, "admin_a")
    token = await csrf_token(client, "/visits/plans")
    r = await client.post("/visits/plans", data={"_csrf_token": token, "empty_nest_elderly": "0"})
    assert r.status_code == 400
    r = await client.post(
        "/visits/plans", data={"_csrf_token": token, "empty_nest_elderly": "5", "community_corrections": "30"}
    )
    assert r.status_code == 303
    r = await client.get(f"/api/v1/visit-plans/{w.orgs['comm_a']['id']}", headers=await login(client, "admin_a"))
    assert r.json()["plans"]["empty_nest_elderly"] == 5
    await page_login(client, "grid_a")
    assert (await client.get("/visits/plans")).status_code == 404
