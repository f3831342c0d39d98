"""排班: a roster run is a shared match run (kind ``roster``) whose proposals are invitations."""

from datetime import timedelta

from factories import login, make_activity, make_volunteer, make_world, principal
from jinlin.activities import roster
from jinlin.activities.tables import RosterInvitation, Signup
from jinlin.runs import service as runs
from jinlin.runs.schemas import MatchRunIn
from jinlin.runs.tables import MatchRun


async def _start(client, headers, activity_id, **body):
    r = await client.post(f"/api/v1/activities/{activity_id}/roster-runs", json=body, headers=headers)
    assert r.status_code == 201, r.text
    assert r.json()["status"] in ("queued", "running", "succeeded")
    await runs.wait_for(r.json()["id"])
    r = await client.get(f"/api/v1/roster/runs/{r.json()['id']}", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def _placed(run):
    placed: dict[int, list[int]] = {}
    for inv in run["invitations"]:
        placed.setdefault(inv["volunteer_id"], []).append(inv["shift_id"])
    return placed


async def test_a_roster_run_respects_overlaps_skills_and_existing_shifts(client, frozen_clock):
    w = await make_world()
    staff = await login(client, "staff_a")
    start = frozen_clock.now + timedelta(days=3)
    near = [w.areas["comm_a"]["id"]]
    activity = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["grid_a1"]["id"],
        [
            {"start": start, "end": start + timedelta(hours=3), "slots": 3},
            {"start": start + timedelta(hours=1), "end": start + timedelta(hours=4), "slots": 3},  # overlaps the first
            {"start": start, "end": start + timedelta(hours=2), "slots": 2, "skills": ["first_aid"]},
        ],
    )
    s_medic = activity["shifts"][2]["id"]
    ids = {
        "plain": await make_volunteer("plain", area_ids=near),
        "medic": await make_volunteer("medic", skills=["first_aid"], area_ids=near),
        "busy": await make_volunteer("busy", area_ids=near),
        "far": await make_volunteer("far", area_ids=[w.areas["comm_c"]["id"]]),
    }
    # "busy" is already on another activity's shift at the same time.
    other = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["comm_a"]["id"],
        [{"start": start, "end": start + timedelta(hours=5), "slots": 1}],
    )
    await client.post(f"/api/v1/shifts/{other['shifts'][0]['id']}/signups", headers=await login(client, "busy"))

    run = await _start(client, staff, activity["id"])
    assert run["status"] == "succeeded" and run["kind"] == "roster" and run["activity_id"] == activity["id"]
    placed = _placed(run)
    assert ids["busy"] not in placed and ids["far"] not in placed
    for shifts in placed.values():
        assert len(shifts) == 1  # the three shifts overlap pairwise
    assert [v for v, s in placed.items() if s_medic in s] == [ids["medic"]]
    assert set(placed) == {ids["plain"], ids["medic"]}
    assert run["proposals"] == 2

    # The run is a shared MatchRun of kind roster over the activity's area, with the activity in its options.
    shared = (await client.get(f"/api/v1/match-runs/{run['id']}", headers=staff)).json()
    assert shared["kind"] == "roster" and shared["area_id"] == w.areas["grid_a1"]["id"]
    assert shared["options"]["activity_id"] == activity["id"] and shared["progress"] == 1.0

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

    # A second run doesn't ask again: "plain" is on a shift now (the others overlap it), and "medic"
    # declined the first aid shift (but may be asked to another one).
    again = await _start(client, staff, activity["id"])
    assert again["status"] == "succeeded"
    assert ids["plain"] not in _placed(again) and s_medic not in _placed(again).get(ids["medic"], [])
    assert set(_placed(again)) <= {ids["medic"]}


async def test_a_roster_run_respects_free_time_and_weekly_hours(client, frozen_clock):
    w = await make_world()
    staff = await login(client, "staff_a")
    start = frozen_clock.now + timedelta(days=3)  # Monday 17:00 in Shanghai, three hours
    near = [w.areas["comm_a"]["id"]]
    activity = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["comm_a"]["id"],
        [{"start": start, "end": start + timedelta(hours=3), "slots": 10}],
    )
    monday_evening = [{"weekday": 0, "start": "16:00", "end": "21:00"}]
    ids = {
        "evening": await make_volunteer("evening", availability=monday_evening, area_ids=near),
        "wednesday": await make_volunteer(
            "wednesday", availability=[{"weekday": 2, "start": "09:00", "end": "21:00"}], area_ids=near
        ),
        "short": await make_volunteer("short", max_hours_per_week=2, area_ids=near),
        "tired": await make_volunteer("tired", max_hours_per_week=4, area_ids=near),
    }
    # "tired" already gives three hours on Tuesday: one hour of the week is left.
    tuesday = start + timedelta(days=1)
    other = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["comm_a"]["id"],
        [{"start": tuesday, "end": tuesday + timedelta(hours=3), "slots": 1}],
    )
    await client.post(f"/api/v1/shifts/{other['shifts'][0]['id']}/signups", headers=await login(client, "tired"))

    run = await _start(client, staff, activity["id"])
    assert set(_placed(run)) == {ids["evening"]}

    # The organiser's own cap on hours applies to everyone (here: below the shift's three hours).
    await make_volunteer("free", area_ids=near)
    capped = await _start(client, staff, activity["id"], max_hours=2)
    assert capped["status"] == "succeeded" and capped["invitations"] == []


async def test_only_one_roster_run_per_activity_runs_at_a_time(client, frozen_clock):
    w = await make_world()
    staff = await login(client, "staff_a")
    start = frozen_clock.now + timedelta(days=3)
    shifts = [{"start": start, "end": start + timedelta(hours=3), "slots": 3}]
    first = await make_activity(client, staff, w.orgs["comm_a"]["id"], w.areas["comm_a"]["id"], shifts)
    second = await make_activity(client, staff, w.orgs["comm_a"]["id"], w.areas["comm_a"]["id"], shifts)
    p = await principal("staff_a")
    queued = await runs.create_run(p, MatchRunIn(kind="roster", options={"activity_id": first["id"]}))
    assert queued["status"] == "queued"
    r = await client.post(f"/api/v1/activities/{first['id']}/roster-runs", json={}, headers=staff)
    assert r.status_code == 409 and r.json()["error"]["code"] == "run_in_progress"
    # Another activity over the same area is not held up.
    r = await client.post(f"/api/v1/activities/{second['id']}/roster-runs", json={}, headers=staff)
    assert r.status_code == 201, r.text
    await runs.wait_for(r.json()["id"])
    await runs.execute(queued["id"])
    r = await client.post(f"/api/v1/activities/{first['id']}/roster-runs", json={}, headers=staff)
    assert r.status_code == 201, r.text
    await runs.wait_for(r.json()["id"])


async def test_a_roster_task_run_twice_invites_nobody_twice(client, frozen_clock):
    w = await make_world()
    staff = await login(client, "staff_a")
    start = frozen_clock.now + timedelta(days=3)
    activity = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["comm_a"]["id"],
        [{"start": start, "end": start + timedelta(hours=3), "slots": 3}],
    )
    for name in ("v1", "v2"):
        await make_volunteer(name, area_ids=[w.areas["comm_a"]["id"]])
    row = await runs.create_run(
        await principal("staff_a"), MatchRunIn(kind="roster", options={"activity_id": activity["id"]})
    )
    await runs.execute(row["id"])
    await runs.execute(row["id"])  # a duplicated task finds the run taken and does nothing
    done = await runs.get_row(row["id"])
    assert done["status"] == "succeeded" and done["proposals"] == 2
    assert await RosterInvitation.count().where(RosterInvitation.run == row["id"]) == 2
    # Saving the same solution again (a retried finish) writes nothing new.
    problem, summary = await roster.load_problem(await _activity(activity["id"]), roster._options(done))
    assert problem.volunteers == []  # both are invited already: nobody is asked twice
    import matching

    solution = matching.Solution(
        "roster",
        "optimal",
        2.0,
        2.0,
        assignments=[
            {"shift": str(i["shift"]), "volunteer": str(i["volunteer"]), "reasons": []}
            for i in await RosterInvitation.select().where(RosterInvitation.run == row["id"])
        ],
    )
    added, _ = await roster.save(done, summary, solution)
    assert added == 0 and await RosterInvitation.count().where(RosterInvitation.run == row["id"]) == 2


async def _activity(activity_id):
    from jinlin.activities.service import activity_row

    return await activity_row(activity_id)


async def test_only_an_organiser_of_the_activity_starts_or_sees_its_roster_run(client, frozen_clock):
    w = await make_world()
    staff = await login(client, "staff_a")
    start = frozen_clock.now + timedelta(days=3)
    activity = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["grid_a1"]["id"],
        [{"start": start, "end": start + timedelta(hours=3), "slots": 3}],
    )
    await make_volunteer("v1")
    v1 = await login(client, "v1")
    r = await client.post(f"/api/v1/activities/{activity['id']}/roster-runs", json={}, headers=v1)
    assert r.status_code == 404
    body = {"kind": "roster", "options": {"activity_id": activity["id"]}}
    leader = await login(client, "leader")  # organises for another organisation
    assert (await client.post("/api/v1/match-runs", json=body, headers=leader)).status_code == 404
    r = await client.post("/api/v1/match-runs", json=body, headers=staff)
    assert r.status_code == 201, r.text
    assert r.json()["area_id"] == w.areas["grid_a1"]["id"]
    await runs.wait_for(r.json()["id"])
    assert (await client.get(f"/api/v1/roster/runs/{r.json()['id']}", headers=leader)).status_code == 404
    assert (await client.get(f"/api/v1/match-runs/{r.json()['id']}", headers=v1)).status_code == 404
    # Options are the kind's own: checked, and refused for kinds that take none.
    bad = await client.post(
        "/api/v1/match-runs", json={"kind": "roster", "options": {"activity_id": "x"}}, headers=staff
    )
    assert bad.status_code == 400 and "options.activity_id" in bad.json()["error"]["fields"]
    county = await login(client, "county")
    r = await client.post(
        "/api/v1/match-runs",
        json={"kind": "allocation", "area_id": w.areas["county"]["id"], "options": {"activity_id": 1}},
        headers=county,
    )
    assert r.status_code == 400 and "options" in r.json()["error"]["fields"]
    assert await MatchRun.count().where(MatchRun.kind == "allocation") == 0


async def test_a_draft_activity_has_no_roster_run(client, frozen_clock):
    w = await make_world()
    staff = await login(client, "staff_a")
    start = frozen_clock.now + timedelta(days=3)
    draft = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["comm_a"]["id"],
        [{"start": start, "end": start + timedelta(hours=3), "slots": 3}],
        publish=False,
    )
    r = await client.post(f"/api/v1/activities/{draft['id']}/roster-runs", json={}, headers=staff)
    assert r.status_code == 409 and r.json()["error"]["code"] == "wrong_status"
