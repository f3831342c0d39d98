from datetime import timedelta

from factories import login, make_activity, make_volunteer, make_world
from jinlin.accounts.tables import Membership
from jinlin.activities.tasks import send_shift_reminders_body
from jinlin.notifications.tables import Notification
from jinlin.orgs.tables import Registration


async def test_a_volunteer_registers_without_logging_in_and_gets_a_token(client):
    w = await make_world()
    r = await client.post(
        "/api/v1/volunteers/register",
        json={
            "username": "xiaoli",
            "password": "long-enough-1",
            "display_name": "小李",
            "phone": "13912340000",
            "skills": ["first_aid"],
            "availability": [{"weekday": 5, "start": "08:00", "end": "18:00"}],
            "area_ids": [w.areas["comm_a"]["id"]],
            "party_member": True,
            "community_id": w.orgs["comm_a"]["id"],
        },
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["account"]["username"] == "xiaoli" and body["account"]["memberships"] == []
    headers = {"Authorization": f"Bearer {body['token']}"}
    me = (await client.get(f"/api/v1/volunteers/{body['account']['id']}", headers=headers)).json()
    assert me["phone"] == "13912340000" and me["party_member"] and me["skills"] == ["first_aid"]
    assert await Registration.exists().where(
        (Registration.account == body["account"]["id"]) & (Registration.kind == "party_member")
    )


async def test_registration_names_bad_fields(client):
    await make_world()
    r = await client.post(
        "/api/v1/volunteers/register",
        json={"username": "xiaoli", "password": "long-enough-1", "display_name": "小李", "phone": "not-a-phone"},
    )
    assert r.status_code == 400 and "phone" in r.json()["error"]["fields"]
    r = await client.post(
        "/api/v1/volunteers/register",
        json={
            "username": "xiaoli",
            "password": "long-enough-1",
            "display_name": "小李",
            "phone": "13912340000",
            "party_member": True,
        },
    )
    assert r.status_code == 400 and "community_id" in r.json()["error"]["fields"]


async def test_a_phone_is_visible_only_to_organisers_of_the_volunteers_shifts(client, frozen_clock):
    w = await make_world()
    vid = await make_volunteer("v1", phone="13512345678")
    staff = await login(client, "staff_a")
    start = frozen_clock.now + timedelta(days=1)
    activity = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["comm_a"]["id"],
        [{"start": start, "end": start + timedelta(hours=2), "slots": 3}],
    )
    shift_id = activity["shifts"][0]["id"]
    v1 = await login(client, "v1")
    await client.post(f"/api/v1/shifts/{shift_id}/signups", headers=v1)
    await make_volunteer("v2")
    await client.post(f"/api/v1/shifts/{shift_id}/signups", headers=await login(client, "v2"))
    # The organiser sees it in full, on the shift's list and on the profile.
    listing = (await client.get(f"/api/v1/shifts/{shift_id}/signups", headers=staff)).json()["items"]
    assert {s["volunteer_name"]: s["phone"] for s in listing}["v1"] == "13512345678"
    assert (await client.get(f"/api/v1/volunteers/{vid}", headers=staff)).json()["phone"] == "13512345678"
    # Staff of the community the shift is in see it masked (no shift of theirs needs it); staff of another
    # community don't see the volunteer at all; another volunteer sees only their own signup.
    grid = (await client.get(f"/api/v1/volunteers/{vid}", headers=await login(client, "grid_a"))).json()
    assert grid["phone"] == "135****5678"
    other = await client.get(f"/api/v1/volunteers/{vid}", headers=await login(client, "admin_b"))
    assert other.status_code == 404
    mine = (await client.get(f"/api/v1/shifts/{shift_id}/signups", headers=await login(client, "v2"))).json()
    assert [s["volunteer_name"] for s in mine["items"]] == ["v2"]
    # Another volunteer can't open the profile at all.
    assert (await client.get(f"/api/v1/volunteers/{vid}", headers=await login(client, "v2"))).status_code == 404


async def test_a_team_leader_approves_a_request_to_join(client):
    w = await make_world()
    vid = await make_volunteer("v1")
    v1 = await login(client, "v1")
    team = w.orgs["team"]["id"]
    r = await client.post(f"/api/v1/volunteers/teams/{team}/join", json={"note": "想加入"}, headers=v1)
    assert r.status_code == 201
    assert (await client.post(f"/api/v1/volunteers/teams/{team}/join", json={}, headers=v1)).status_code == 409
    assert (
        await client.post(f"/api/v1/volunteers/team-requests/{r.json()['id']}/approve", headers=v1)
    ).status_code == 403
    leader = await login(client, "leader")
    pending = (await client.get("/api/v1/volunteers/team-requests", headers=leader)).json()
    assert [p["display_name"] for p in pending] == ["v1"]
    done = await client.post(f"/api/v1/volunteers/team-requests/{r.json()['id']}/approve", headers=leader)
    assert done.status_code == 200 and done.json()["status"] == "approved"
    assert await Membership.exists().where(
        (Membership.account == vid) & (Membership.organization == team) & (Membership.role == "volunteer")
    )


async def test_the_day_before_reminder_goes_out_once(client, frozen_clock):
    w = await make_world()
    staff = await login(client, "staff_a")
    start = frozen_clock.now + timedelta(days=2)
    activity = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["comm_a"]["id"],
        [{"start": start, "end": start + timedelta(hours=2), "slots": 1}],
    )
    shift_id = activity["shifts"][0]["id"]
    ids = [await make_volunteer(n) for n in ("v1", "v2")]
    for n in ("v1", "v2"):
        await client.post(f"/api/v1/shifts/{shift_id}/signups", headers=await login(client, n))
    assert await send_shift_reminders_body() == 0  # two days ahead: too early
    frozen_clock.advance(hours=25)
    assert await send_shift_reminders_body() == 1  # v1 holds the place; v2 is waiting
    assert await send_shift_reminders_body() == 0  # safe to run twice
    frozen_clock.advance(hours=1)
    assert await send_shift_reminders_body() == 0
    kinds = {vid: [n["kind"] for n in await Notification.select().where(Notification.account == vid)] for vid in ids}
    assert kinds == {ids[0]: ["shift_reminder"], ids[1]: []}


async def test_a_self_registered_volunteer_gets_the_volunteer_home_page(client):
    await make_world()
    r = await client.post(
        "/api/v1/volunteers/register",
        json={"username": "xiaoli", "password": "long-enough-1", "display_name": "小李", "phone": "13912340000"},
    )
    token = r.json()["token"]
    client.cookies.set("jinlin_session", token)
    page = await client.get("/")
    assert page.status_code == 200
    assert 'data-testid="home-volunteer"' in page.text


async def test_staff_see_a_volunteer_only_where_the_volunteer_serves_or_registered(client, frozen_clock):
    w = await make_world()
    # 社区C's staff: a volunteer who signed up in 社区A is none of their business, on any page or export.
    vid = await make_volunteer("v1", phone="13512345678")
    start = frozen_clock.now + timedelta(days=1)
    activity = await make_activity(
        client,
        await login(client, "staff_a"),
        w.orgs["comm_a"]["id"],
        w.areas["comm_a"]["id"],
        [{"start": start, "end": start + timedelta(hours=2), "slots": 3}],
    )
    await client.post(f"/api/v1/shifts/{activity['shifts'][0]['id']}/signups", headers=await login(client, "v1"))
    admin_c, street_east = await login(client, "admin_c"), await login(client, "street_east")
    for path in (
        f"/api/v1/volunteers/{vid}",
        f"/api/v1/volunteers/{vid}/hours",
        f"/api/v1/volunteers/{vid}/hours.xlsx",
        f"/volunteers/{vid}/hours",
        f"/volunteers/{vid}/certificate",
    ):
        for who, status in ((admin_c, 404), (street_east, 200)):  # 社区A is in east street
            client.cookies.clear()
            if not path.startswith("/api/"):
                client.cookies.set("jinlin_session", who["Authorization"].split()[1])
            assert (await client.get(path, headers=who)).status_code == status, path
    assert (await client.get(f"/api/v1/volunteers/{vid}", headers=street_east)).json()["phone"] == "135****5678"
    # A volunteer who reported to 社区C (报到) is theirs to know, with the phone masked.
    r = await client.post(
        "/api/v1/volunteers/register",
        json={
            "username": "xiaoli",
            "password": "long-enough-1",
            "display_name": "小李",
            "phone": "13912340000",
            "community_id": w.orgs["comm_c"]["id"],
        },
    )
    assert r.status_code == 201, r.text
    registered = r.json()["account"]["id"]
    seen = await client.get(f"/api/v1/volunteers/{registered}", headers=admin_c)
    assert seen.status_code == 200 and seen.json()["phone"] == "139****0000"
    assert (await client.get(f"/api/v1/volunteers/{registered}", headers=street_east)).status_code == 404
    # The county sees everyone; a team leader sees their members in full (they call them out).
    county = await login(client, "county")
    assert (await client.get(f"/api/v1/volunteers/{registered}", headers=county)).status_code == 200
    await Membership.insert(Membership(account=registered, organization=w.orgs["team"]["id"], role="volunteer"))
    led = await client.get(f"/api/v1/volunteers/{registered}", headers=await login(client, "leader"))
    assert led.status_code == 200 and led.json()["phone"] == "13912340000"
