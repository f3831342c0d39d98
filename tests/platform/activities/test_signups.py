import asyncio
from datetime import timedelta

from factories import login, make_activity, make_volunteer, make_world
from jinlin.activities import service
from jinlin.activities.tables import Shift, Signup
from jinlin.notifications.tables import Notification


async def _setup(client, frozen_clock, slots=1, skills=None):
    w = await make_world()
    staff = await login(client, "staff_a")
    start = frozen_clock.now + timedelta(days=2)
    activity = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["comm_a"]["id"],
        [{"start": start, "end": start + timedelta(hours=3), "slots": slots, "skills": skills or []}],
    )
    return w, staff, activity


async def test_an_organiser_creates_and_publishes_an_activity_with_shifts(client, frozen_clock):
    _, _staff, activity = await _setup(client, frozen_clock, slots=5)
    assert activity["status"] == "published"
    shift = activity["shifts"][0]
    assert shift["slots"] == 5 and shift["slots_left"] == 5
    assert len(shift["checkin_code"]) == 6
    await make_volunteer("v1")
    v1 = await login(client, "v1")
    seen = (await client.get(f"/api/v1/activities/{activity['id']}", headers=v1)).json()
    assert seen["shifts"][0]["checkin_code"] is None


async def test_someone_outside_the_organiser_cannot_create_an_activity_for_it(client, frozen_clock):
    w = await make_world()
    start = frozen_clock.now + timedelta(days=1)
    body = {
        "organizer_id": w.orgs["comm_a"]["id"],
        "title": "x",
        "category": "elder_care",
        "area_id": w.areas["comm_a"]["id"],
        "shifts": [{"start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat(), "slots": 1}],
    }
    r = await client.post("/api/v1/activities", json=body, headers=await login(client, "admin_b"))
    assert r.status_code == 403


async def test_a_draft_is_invisible_to_volunteers(client, frozen_clock):
    w = await make_world()
    staff = await login(client, "staff_a")
    start = frozen_clock.now + timedelta(days=1)
    activity = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["comm_a"]["id"],
        [{"start": start, "end": start + timedelta(hours=1), "slots": 1}],
        publish=False,
    )
    await make_volunteer("v1")
    r = await client.get(f"/api/v1/activities/{activity['id']}", headers=await login(client, "v1"))
    assert r.status_code == 404


async def test_a_full_shift_puts_the_next_volunteer_on_the_waiting_list(client, frozen_clock):
    _, _, activity = await _setup(client, frozen_clock, slots=1)
    shift_id = activity["shifts"][0]["id"]
    for name in ("v1", "v2"):
        await make_volunteer(name)
    r1 = await client.post(f"/api/v1/shifts/{shift_id}/signups", headers=await login(client, "v1"))
    r2 = await client.post(f"/api/v1/shifts/{shift_id}/signups", headers=await login(client, "v2"))
    assert r1.status_code == 201 and r1.json()["status"] == "signed_up"
    assert r2.status_code == 201 and r2.json()["status"] == "waitlisted"
    assert r2.json()["waitlist_position"] == 1


async def test_signing_up_twice_for_the_same_shift_is_refused(client, frozen_clock):
    _, _, activity = await _setup(client, frozen_clock, slots=3)
    await make_volunteer("v1")
    v1 = await login(client, "v1")
    shift_id = activity["shifts"][0]["id"]
    assert (await client.post(f"/api/v1/shifts/{shift_id}/signups", headers=v1)).status_code == 201
    r = await client.post(f"/api/v1/shifts/{shift_id}/signups", headers=v1)
    assert r.status_code == 409


async def test_overlapping_shifts_are_refused(client, frozen_clock):
    w, staff, activity = await _setup(client, frozen_clock, slots=3)
    start = frozen_clock.now + timedelta(days=2, hours=2)  # overlaps the first activity's 3-hour shift
    other = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["comm_a"]["id"],
        [{"start": start, "end": start + timedelta(hours=2), "slots": 3}],
    )
    after = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["comm_a"]["id"],
        [{"start": start + timedelta(hours=1), "end": start + timedelta(hours=2), "slots": 3}],
    )
    await make_volunteer("v1")
    v1 = await login(client, "v1")
    assert (await client.post(f"/api/v1/shifts/{activity['shifts'][0]['id']}/signups", headers=v1)).status_code == 201
    r = await client.post(f"/api/v1/shifts/{other['shifts'][0]['id']}/signups", headers=v1)
    assert r.status_code == 409 and r.json()["error"]["code"] == "overlap"
    # Starting right when the first one ends is not an overlap.
    assert (await client.post(f"/api/v1/shifts/{after['shifts'][0]['id']}/signups", headers=v1)).status_code == 201


async def test_a_shift_needing_skills_refuses_a_volunteer_without_them(client, frozen_clock):
    _, _, activity = await _setup(client, frozen_clock, slots=3, skills=["first_aid"])
    await make_volunteer("v1")
    await make_volunteer("medic", skills=["first_aid"])
    shift_id = activity["shifts"][0]["id"]
    r = await client.post(f"/api/v1/shifts/{shift_id}/signups", headers=await login(client, "v1"))
    assert r.status_code == 400 and r.json()["error"]["code"] == "missing_skills"
    r = await client.post(f"/api/v1/shifts/{shift_id}/signups", headers=await login(client, "medic"))
    assert r.status_code == 201


async def test_a_cancellation_promotes_the_first_in_line_who_is_notified(client, frozen_clock):
    _, _, activity = await _setup(client, frozen_clock, slots=1)
    shift_id = activity["shifts"][0]["id"]
    ids = {}
    for name in ("v1", "v2", "v3"):
        ids[name] = await make_volunteer(name)
    headers = {n: await login(client, n) for n in ids}
    first = (await client.post(f"/api/v1/shifts/{shift_id}/signups", headers=headers["v1"])).json()
    second = (await client.post(f"/api/v1/shifts/{shift_id}/signups", headers=headers["v2"])).json()
    third = (await client.post(f"/api/v1/shifts/{shift_id}/signups", headers=headers["v3"])).json()
    assert third["waitlist_position"] == 2
    r = await client.post(f"/api/v1/signups/{first['id']}/cancel", headers=headers["v1"])
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    promoted = (await client.get(f"/api/v1/signups/{second['id']}", headers=headers["v2"])).json()
    assert promoted["status"] == "signed_up"
    still = (await client.get(f"/api/v1/signups/{third['id']}", headers=headers["v3"])).json()
    assert still["status"] == "waitlisted" and still["waitlist_position"] == 1
    notes = await Notification.select().where(Notification.account == ids["v2"])
    assert [n["kind"] for n in notes] == ["waitlist_promoted"]
    assert not await Notification.exists().where(Notification.account == ids["v3"])
    shift = await Shift.select(Shift.slots_left).where(Shift.id == shift_id).first()
    assert shift["slots_left"] == 0


async def test_cancelling_after_the_cut_off_is_refused(client, frozen_clock):
    _, _, activity = await _setup(client, frozen_clock, slots=1)
    await make_volunteer("v1")
    v1 = await login(client, "v1")
    signup = (await client.post(f"/api/v1/shifts/{activity['shifts'][0]['id']}/signups", headers=v1)).json()
    frozen_clock.advance(days=2, hours=-1)  # an hour before the start; the cut-off is two hours
    r = await client.post(f"/api/v1/signups/{signup['id']}/cancel", headers=v1)
    assert r.status_code == 409 and r.json()["error"]["code"] == "past_cutoff"


async def test_concurrent_sign_ups_for_the_last_place_have_exactly_one_winner(client, frozen_clock, backend):
    _, _, activity = await _setup(client, frozen_clock, slots=1)
    shift_id = activity["shifts"][0]["id"]
    names = [f"racer{i}" for i in range(8)]
    for name in names:
        await make_volunteer(name)
    headers = [await login(client, n) for n in names]
    responses = await asyncio.gather(*(client.post(f"/api/v1/shifts/{shift_id}/signups", headers=h) for h in headers))
    assert all(r.status_code == 201 for r in responses), [r.text for r in responses]
    statuses = sorted(r.json()["status"] for r in responses)
    assert statuses.count("signed_up") == 1 and statuses.count("waitlisted") == 7
    assert await Signup.count().where((Signup.shift == shift_id) & (Signup.status == "signed_up")) == 1
    assert (await Shift.select(Shift.slots_left).where(Shift.id == shift_id).first())["slots_left"] == 0


async def test_concurrent_service_calls_for_the_last_place_have_exactly_one_winner(client, frozen_clock, backend):
    """The same race straight at the service, each caller in its own task."""
    from factories import principal

    _, _, activity = await _setup(client, frozen_clock, slots=2)
    shift_id = activity["shifts"][0]["id"]
    names = [f"p{i}" for i in range(10)]
    for name in names:
        await make_volunteer(name)
    principals = [await principal(n) for n in names]
    results = await asyncio.gather(*(service.sign_up(p, shift_id) for p in principals))
    assert sorted(r.status for r in results).count("signed_up") == 2


async def test_cancelling_an_activity_cancels_signups_and_notifies_everyone(client, frozen_clock):
    _, staff, activity = await _setup(client, frozen_clock, slots=1)
    shift_id = activity["shifts"][0]["id"]
    ids = [await make_volunteer(n) for n in ("v1", "v2")]
    for n in ("v1", "v2"):
        await client.post(f"/api/v1/shifts/{shift_id}/signups", headers=await login(client, n))
    r = await client.post(f"/api/v1/activities/{activity['id']}/cancel", headers=staff)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert await Signup.count().where((Signup.shift == shift_id) & (Signup.status != "cancelled")) == 0
    for account_id in ids:
        kinds = [n["kind"] for n in await Notification.select().where(Notification.account == account_id)]
        assert kinds == ["activity_cancelled"]
    again = await client.post(f"/api/v1/activities/{activity['id']}/cancel", headers=staff)
    assert again.status_code == 409 and again.json()["error"]["fields"]["status"] == "cancelled"


async def test_editing_a_published_activity_notifies_the_signed_up(client, frozen_clock):
    _, staff, activity = await _setup(client, frozen_clock, slots=2)
    vid = await make_volunteer("v1")
    await client.post(f"/api/v1/shifts/{activity['shifts'][0]['id']}/signups", headers=await login(client, "v1"))
    r = await client.patch(f"/api/v1/activities/{activity['id']}", json={"address": "新地址2号"}, headers=staff)
    assert r.status_code == 200 and r.json()["address"] == "新地址2号"
    kinds = [n["kind"] for n in await Notification.select().where(Notification.account == vid)]
    assert kinds == ["activity_changed"]


async def test_raising_a_shifts_places_promotes_the_waiting_list(client, frozen_clock):
    _, staff, activity = await _setup(client, frozen_clock, slots=1)
    shift_id = activity["shifts"][0]["id"]
    for n in ("v1", "v2"):
        await make_volunteer(n)
        await client.post(f"/api/v1/shifts/{shift_id}/signups", headers=await login(client, n))
    r = await client.patch(f"/api/v1/shifts/{shift_id}", json={"slots": 2}, headers=staff)
    assert r.status_code == 200 and r.json()["slots_left"] == 0
    assert await Signup.count().where((Signup.shift == shift_id) & (Signup.status == "signed_up")) == 2
    r = await client.patch(f"/api/v1/shifts/{shift_id}", json={"slots": 1}, headers=staff)
    assert r.status_code == 409


async def test_finding_activities_filters_by_category_area_and_skills(client, frozen_clock):
    w, staff, activity = await _setup(client, frozen_clock, slots=2, skills=["first_aid"])
    start = frozen_clock.now + timedelta(days=3)
    plain = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["grid_a1"]["id"],
        [{"start": start, "end": start + timedelta(hours=2), "slots": 2}],
        category="environment",
    )
    await make_volunteer("v1")
    v1 = await login(client, "v1")
    ids = lambda r: [a["id"] for a in r.json()["items"]]  # noqa: E731
    assert set(ids(await client.get("/api/v1/activities", headers=v1))) == {activity["id"], plain["id"]}
    assert ids(await client.get("/api/v1/activities?category=environment", headers=v1)) == [plain["id"]]
    assert ids(await client.get(f"/api/v1/activities?area_id={w.areas['grid_a1']['id']}", headers=v1)) == [plain["id"]]
    assert ids(await client.get("/api/v1/activities?fits_skills=true", headers=v1)) == [plain["id"]]
    assert ids(
        await client.get(
            f"/api/v1/activities?date_from={(start - timedelta(hours=1)).isoformat()}".replace("+", "%2B"), headers=v1
        )
    ) == [plain["id"]]
