from datetime import timedelta

from factories import csrf_token, login, make_activity, make_world
from jinlin.activities.tables import Signup


async def test_a_volunteer_runs_through_the_pages_in_chinese(client, frozen_clock):
    w = await make_world()
    staff = await login(client, "staff_a")
    start = frozen_clock.now + timedelta(days=1)
    activity = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["comm_a"]["id"],
        [{"start": start, "end": start + timedelta(hours=2), "slots": 2}],
    )
    shift = activity["shifts"][0]
    token = await csrf_token(client, "/volunteers/register")
    r = await client.post(
        "/volunteers/register",
        data={
            "_csrf_token": token,
            "username": "xiaoli",
            "password": "long-enough-1",
            "display_name": "小李",
            "phone": "13912340000",
            "skills": "急救，驾驶",
            "free_days": ["5", "6"],
            "free_start": "08:00",
            "free_end": "20:00",
        },
    )
    assert r.status_code == 303, r.text
    listing = await client.get("/activities")
    assert listing.status_code == 200 and "敬老院陪伴" in listing.text and "志愿活动" in listing.text
    detail = await client.get(f"/activities/{activity['id']}")
    assert "报名" in detail.text
    token = await csrf_token(client, f"/activities/{activity['id']}")
    r = await client.post(f"/shifts/{shift['id']}/signups", data={"_csrf_token": token})
    assert r.status_code == 303
    assert await Signup.count().where(Signup.status == "signed_up") == 1
    frozen_clock.now = start
    token = await csrf_token(client, f"/shifts/{shift['id']}/check-in?code={shift['checkin_code']}")
    r = await client.post(f"/shifts/{shift['id']}/check-in", data={"_csrf_token": token, "code": "999999x"})
    assert r.status_code == 400
    r = await client.post(
        f"/shifts/{shift['id']}/check-in", data={"_csrf_token": token, "code": shift["checkin_code"], "action": "in"}
    )
    assert r.status_code == 303
    my = await client.get("/my/shifts")
    assert my.status_code == 200 and "已签到" in my.text
    me = await Signup.select(Signup.volunteer).first()
    cert = await client.get(f"/volunteers/{me['volunteer']}/certificate")
    assert cert.status_code == 200 and "志愿服务证明" in cert.text


async def test_the_organiser_sees_the_code_and_qr_and_verifies(client, frozen_clock):
    w = await make_world()
    staff = await login(client, "staff_a")
    start = frozen_clock.now + timedelta(days=1)
    activity = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["comm_a"]["id"],
        [{"start": start, "end": start + timedelta(hours=2), "slots": 2}],
    )
    shift = activity["shifts"][0]
    # login() also set the session cookie the pages use.
    page = await client.get(f"/shifts/{shift['id']}/manage")
    assert page.status_code == 200 and shift["checkin_code"] in page.text and "<svg" in page.text
    new = await client.get("/activities/new")
    assert new.status_code == 200 and "新建活动" in new.text
    token = await csrf_token(client, "/activities/new")
    r = await client.post(
        "/activities/new",
        data={
            "_csrf_token": token,
            "organizer_id": str(w.orgs["comm_a"]["id"]),
            "title": "清洁家园",
            "category": "environment",
            "area_id": str(w.areas["comm_a"]["id"]),
            "address": "小区广场",
            "start_0": "2026-11-25T09:00",
            "end_0": "2026-11-25T11:00",
            "slots_0": "5",
            "publish": "1",
        },
    )
    assert r.status_code == 303, r.text
    detail = await client.get(r.headers["location"])
    assert "清洁家园" in detail.text and "已发布" in detail.text
