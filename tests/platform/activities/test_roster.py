from datetime import timedelta

from factories import login, make_activity, make_volunteer, make_world
from jinlin.activities.tables import Signup


async def test_a_roster_run_respects_overlaps_skills_and_existing_shifts(client, frozen_clock):
    w = await make_world()
    staff = await login(client, "staff_a")
    start = frozen_clock.now + timedelta(days=3)
    near = [w.areas["comm_a"]["id"]]
    activity = await make_activity(client, staff, w.orgs["comm_a"]["id"], w.areas["grid_a1"]["id"], [
        {"start": start, "end": start + timedelta(hours=3), "slots": 3},
        {"start": start + timedelta(hours=1), "end": start + timedelta(hours=4), "slots": 3},  # overlaps the first
        {"start": start, "end": start + timedelta(hours=2), "slots": 2, "skills": ["first_aid"]},
    ])
    s_morning, s_overlap, s_medic = (s["id"] for s in activity["shifts"])
    ids = {
        "plain": await make_volunteer("plain", area_ids=near),
        "medic": await make_volunteer("medic", skills=["first_aid"], area_ids=near),
        "busy": await make_volunteer("busy", area_ids=near),
        "far": await make_volunteer("far", area_ids=[w.areas["comm_c"]["id"]]),
    }
    # "busy" is already on another activity's shift at the same time.
    other = await make_activity(client, staff, w.orgs["comm_a"]["id"], w.areas["comm_a"]["id"],
                                [{"start": start, "end": start + timedelta(hours=5), "slots": 1}])
    await client.post(f"/api/v1/shifts/{other['shifts'][0]['id']}/signups", headers=await login(client, "busy"))

    r = await client.post(f"/api/v1/activities/{activity['id']}/roster-runs", json={}, headers=staff)
    assert r.status_code == 201, r.text
    run = r.json()
    assert run["status"] == "succeeded" and run["kind"] == "roster"
    placed: dict[int, list[int]] = {}
    for inv in run["invitations"]:
        placed.setdefault(inv["volunteer_id"], []).append(inv["shift_id"])
    assert ids["busy"] not in placed and ids["far"] not in placed
    for shifts in placed.values():
        assert len(shifts) == 1  # the three shifts overlap pairwise
    assert [v for v, s in placed.items() if s_medic in s] == [ids["medic"]]
    assert set(placed) == {ids["plain"], ids["medic"]}

    # The invited volunteer confirms: a confirmed signup takes the place.
    invitation = next(i for i in run["invitations"] if i["volunteer_id"] == ids["plain"])
    plain = await login(client, "plain")
    mine = (await client.get("/api/v1/roster/invitations", headers=plain)).json()
    assert [i["id"] for i in mine] == [invitation["id"]]
    r = await client.post(f"/api/v1/roster/invitations/{invitation['id']}/accept", headers=plain)
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    signup = await Signup.select().where(Signup.volunteer == ids["plain"]).first()
    assert signup["status"] == "confirmed" and signup["source"] == "roster"
    medic_inv = next(i for i in run["invitations"] if i["volunteer_id"] == ids["medic"])
    r = await client.post(f"/api/v1/roster/invitations/{medic_inv['id']}/decline", headers=await login(client, "medic"))
    assert r.json()["status"] == "declined"
    assert s_morning or s_overlap


async def test_a_volunteer_cannot_start_a_roster_run(client, frozen_clock):
    w = await make_world()
    staff = await login(client, "staff_a")
    start = frozen_clock.now + timedelta(days=3)
    activity = await make_activity(client, staff, w.orgs["comm_a"]["id"], w.areas["grid_a1"]["id"],
                                   [{"start": start, "end": start + timedelta(hours=3), "slots": 3}])
    await make_volunteer("v1")
    r = await client.post(f"/api/v1/activities/{activity['id']}/roster-runs", json={}, headers=await login(client, "v1"))
    assert r.status_code == 404
