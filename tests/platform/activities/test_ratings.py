from datetime import timedelta

from factories import login, make_activity, make_volunteer, make_world

SCORES = {"score": 5, "timeliness": 4, "quality": 5, "communication": 4, "comment": "很好"}


async def test_organiser_and_volunteer_rate_each_other_blind(client, frozen_clock):
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
    await make_volunteer("v1")
    v1 = await login(client, "v1")
    signup = (await client.post(f"/api/v1/shifts/{shift['id']}/signups", headers=v1)).json()
    url = f"/api/v1/signups/{signup['id']}/ratings"
    assert (await client.post(url, json=SCORES, headers=v1)).status_code == 409  # not completed yet
    frozen_clock.now = start
    code = {"code": shift["checkin_code"]}
    await client.post(f"/api/v1/shifts/{shift['id']}/check-in", json=code, headers=v1)
    frozen_clock.now = start + timedelta(hours=2)
    await client.post(f"/api/v1/shifts/{shift['id']}/check-out", json=code, headers=v1)
    r = await client.post(url, json=SCORES, headers=v1)
    assert r.status_code == 201
    # The organiser can't see the volunteer's rating before rating too.
    hidden = (await client.get(url, headers=staff)).json()
    assert hidden[0]["visible"] is False and hidden[0]["score"] is None
    assert (await client.post(url, json=SCORES, headers=v1)).status_code == 409  # once per side
    r = await client.post(url, json={**SCORES, "score": 3}, headers=staff)
    assert r.status_code == 201
    both = (await client.get(url, headers=v1)).json()
    assert {x["rater_side"]: x["score"] for x in both} == {"volunteer": 5, "organizer": 3}
    await make_volunteer("v2")
    assert (await client.get(url, headers=await login(client, "v2"))).status_code == 404
