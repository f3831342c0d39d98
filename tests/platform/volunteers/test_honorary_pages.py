"""荣誉时长 on a page: an administrator adds honorary hours with a reason; they count apart from recorded hours."""

from factories import csrf_token, login, make_volunteer, make_world
from jinlin.activities.tables import HoursRecord
from jinlin.audit.tables import AuditEvent


async def test_an_area_admin_adds_honorary_hours_with_a_reason_on_the_volunteers_hours_page(client, frozen_clock):
    w = await make_world()
    vid = await make_volunteer("v1", area_ids=[w.areas["comm_a"]["id"]])  # serves in admin_a's community
    await login(client, "admin_a")
    page = await client.get(f"/volunteers/{vid}/hours")
    assert page.status_code == 200 and 'data-testid="honorary-form"' in page.text and "添加荣誉时长" in page.text
    token = await csrf_token(client, f"/volunteers/{vid}/hours")
    r = await client.post(
        f"/volunteers/{vid}/hours",
        data={"_csrf_token": token, "hours": "6", "served_on": "2026-10-01", "reason": "抗洪抢险突击队"},
    )
    assert r.status_code == 303 and r.headers["location"] == f"/volunteers/{vid}/hours"
    rows = await HoursRecord.select().where(HoursRecord.account == vid)
    assert [(r["kind"], r["minutes"], r["reason"]) for r in rows] == [("honorary", 360, "抗洪抢险突击队")]
    assert await AuditEvent.exists().where(AuditEvent.action == "add_honorary_hours")
    page = await client.get(f"/volunteers/{vid}/hours")
    assert "抗洪抢险突击队" in page.text and 'data-testid="honorary-hours">6.0<' in page.text
    assert 'data-testid="recorded-hours">0<' in page.text or 'data-testid="recorded-hours">0.0<' in page.text


async def test_honorary_hours_need_a_reason_and_a_positive_number(client, frozen_clock):
    w = await make_world()
    vid = await make_volunteer("v1", area_ids=[w.areas["comm_a"]["id"]])  # serves in admin_a's community
    await login(client, "admin_a")
    token = await csrf_token(client, f"/volunteers/{vid}/hours")
    r = await client.post(f"/volunteers/{vid}/hours", data={"_csrf_token": token, "hours": "3", "reason": "  "})
    assert r.status_code == 400 and 'data-field="reason"' in r.text
    r = await client.post(f"/volunteers/{vid}/hours", data={"_csrf_token": token, "hours": "-2", "reason": "x"})
    assert r.status_code == 400 and 'data-field="hours"' in r.text
    assert await HoursRecord.count() == 0


async def test_a_volunteer_cannot_give_themselves_honorary_hours_on_the_page(client, frozen_clock):
    w = await make_world()
    vid = await make_volunteer("v1", area_ids=[w.areas["comm_a"]["id"]])  # serves in admin_a's community
    await login(client, "v1")
    page = await client.get(f"/volunteers/{vid}/hours")
    assert page.status_code == 200 and 'data-testid="honorary-form"' not in page.text
    token = await csrf_token(client, f"/volunteers/{vid}/hours")
    r = await client.post(f"/volunteers/{vid}/hours", data={"_csrf_token": token, "hours": "5", "reason": "自己加"})
    assert r.status_code == 403
    assert await HoursRecord.count() == 0
    # Another volunteer's hours are not theirs to see.
    other = await make_volunteer("v2")
    assert (await client.get(f"/volunteers/{other}/hours")).status_code == 404


async def test_a_team_leader_adds_honorary_hours_for_a_member_of_their_team(client, frozen_clock):
    w = await make_world()
    member = w.accounts["volunteer"]
    await login(client, "leader")
    token = await csrf_token(client, f"/volunteers/{member}/hours")
    r = await client.post(f"/volunteers/{member}/hours", data={"_csrf_token": token, "hours": "2", "reason": "队务"})
    assert r.status_code == 303
    assert await HoursRecord.count().where((HoursRecord.account == member) & (HoursRecord.kind == "honorary")) == 1
