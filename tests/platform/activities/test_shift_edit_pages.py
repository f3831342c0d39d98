"""The organiser edits a shift on a page: time, places, skills; those signed up are notified."""

from datetime import timedelta

from factories import csrf_token, login, make_activity, make_volunteer, make_world
from jinlin.activities.tables import Shift
from jinlin.notifications.tables import Notification


async def _shift_with_one_volunteer(client, frozen_clock, slots=3):
    w = await make_world()
    staff = await login(client, "staff_a")
    start = frozen_clock.now + timedelta(days=2)  # 2026-11-22 17:00 in Shanghai
    activity = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["comm_a"]["id"],
        [{"start": start, "end": start + timedelta(hours=2), "slots": slots}],
    )
    shift = activity["shifts"][0]
    vid = await make_volunteer("v1")
    r = await client.post(f"/api/v1/shifts/{shift['id']}/signups", headers=await login(client, "v1"))
    assert r.status_code == 201
    await login(client, "staff_a")
    return activity, shift, vid


async def test_the_organiser_changes_a_shifts_time_places_and_skills_and_the_volunteer_is_told(client, frozen_clock):
    activity, shift, vid = await _shift_with_one_volunteer(client, frozen_clock)
    detail = await client.get(f"/activities/{activity['id']}")
    assert f'href="/shifts/{shift["id"]}/edit"' in detail.text
    form = await client.get(f"/shifts/{shift['id']}/edit")
    assert form.status_code == 200 and "修改班次" in form.text and 'value="2026-11-22T17:00"' in form.text
    token = await csrf_token(client, f"/shifts/{shift['id']}/edit")
    r = await client.post(
        f"/shifts/{shift['id']}/edit",
        data={
            "_csrf_token": token,
            "start": "2026-11-22T18:00",
            "end": "2026-11-22T21:00",
            "slots": "5",
            "skills": "急救，驾驶",
        },
    )
    assert r.status_code == 303 and r.headers["location"] == f"/activities/{activity['id']}"
    row = await Shift.select().where(Shift.id == shift["id"]).first().output(load_json=True)
    assert row["starts_at"] == frozen_clock.now + timedelta(days=2, hours=1)
    assert row["ends_at"] - row["starts_at"] == timedelta(hours=3)
    assert (row["slots"], row["slots_left"], row["skills"]) == (5, 4, ["急救", "驾驶"])
    told = await Notification.select().where((Notification.account == vid) & (Notification.kind == "shift_changed"))
    assert len(told) == 1

    # Saving the form unchanged changes nothing and tells nobody again.
    r = await client.post(
        f"/shifts/{shift['id']}/edit",
        data={
            "_csrf_token": token,
            "start": "2026-11-22T18:00",
            "end": "2026-11-22T21:00",
            "slots": "5",
            "skills": "驾驶, 急救",
        },
    )
    assert r.status_code == 303
    assert await Notification.count().where(Notification.kind == "shift_changed") == 1


async def test_fewer_places_than_taken_or_an_end_before_the_start_is_refused_on_the_page(client, frozen_clock):
    _activity, shift, _vid = await _shift_with_one_volunteer(client, frozen_clock, slots=2)
    await make_volunteer("v2")
    assert (
        await client.post(f"/api/v1/shifts/{shift['id']}/signups", headers=await login(client, "v2"))
    ).status_code == 201
    await login(client, "staff_a")
    token = await csrf_token(client, f"/shifts/{shift['id']}/edit")
    base = {"_csrf_token": token, "start": "2026-11-22T17:00", "end": "2026-11-22T19:00", "skills": ""}
    r = await client.post(f"/shifts/{shift['id']}/edit", data={**base, "slots": "1"})
    assert r.status_code == 409 and 'data-field="slots"' in r.text
    r = await client.post(f"/shifts/{shift['id']}/edit", data={**base, "end": "2026-11-22T16:00", "slots": "1"})
    assert r.status_code == 400 and 'data-field="start"' in r.text
    r = await client.post(f"/shifts/{shift['id']}/edit", data={**base, "slots": "x"})
    assert r.status_code == 400 and 'data-field="slots"' in r.text and "须为整数" in r.text
    row = await Shift.select().where(Shift.id == shift["id"]).first()
    assert (row["slots"], row["slots_left"], row["ends_at"]) == (2, 0, frozen_clock.now + timedelta(days=2, hours=2))
    assert await Notification.count().where(Notification.kind == "shift_changed") == 0


async def test_only_organisers_open_the_shift_edit_page(client, frozen_clock):
    _activity, shift, _vid = await _shift_with_one_volunteer(client, frozen_clock)
    await login(client, "v1")
    assert (await client.get(f"/shifts/{shift['id']}/edit")).status_code == 404
    token = await csrf_token(client, "/my/shifts")
    r = await client.post(
        f"/shifts/{shift['id']}/edit",
        data={"_csrf_token": token, "start": "2026-11-22T18:00", "end": "2026-11-22T21:00", "slots": "9", "skills": ""},
    )
    assert r.status_code in (403, 404)
    assert (await Shift.select(Shift.slots).where(Shift.id == shift["id"]).first())["slots"] == 3
