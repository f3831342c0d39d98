"""A check-in code can't be guessed: a stranger's answer doesn't depend on the code, and guesses are limited."""

from datetime import timedelta

from factories import login, make_activity, make_volunteer, make_world


async def _shift(client, frozen_clock):
    w = await make_world()
    staff = await login(client, "staff_a")
    start = frozen_clock.now + timedelta(days=1)
    activity = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["comm_a"]["id"],
        [{"start": start, "end": start + timedelta(hours=2), "slots": 5}],
    )
    return activity["shifts"][0], start


async def test_a_stranger_gets_the_same_answer_for_the_right_and_a_wrong_code(client, frozen_clock):
    shift, _ = await _shift(client, frozen_clock)
    await make_volunteer("stranger")
    h = await login(client, "stranger")
    wrong = "000000" if shift["checkin_code"] != "000000" else "111111"
    answers = []
    for code in (shift["checkin_code"], wrong):
        r = await client.post(f"/api/v1/shifts/{shift['id']}/check-in", json={"code": code}, headers=h)
        answers.append((r.status_code, r.json()["error"]["code"]))
    assert answers[0] == answers[1]


async def test_wrong_codes_are_rate_limited_for_a_signed_up_volunteer(client, frozen_clock):
    shift, start = await _shift(client, frozen_clock)
    await make_volunteer("v1")
    h = await login(client, "v1")
    assert (await client.post(f"/api/v1/shifts/{shift['id']}/signups", headers=h)).status_code == 201
    frozen_clock.now = start
    wrong = "000000" if shift["checkin_code"] != "000000" else "111111"
    codes = [
        (await client.post(f"/api/v1/shifts/{shift['id']}/check-in", json={"code": wrong}, headers=h)).status_code
        for _ in range(12)
    ]
    assert codes[:10] == [400] * 10 and codes[10:] == [429, 429]
    r = await client.post(f"/api/v1/shifts/{shift['id']}/check-in", json={"code": shift["checkin_code"]}, headers=h)
    assert r.status_code == 429  # even the right code waits: the guesser learns nothing more


async def test_an_organiser_cannot_sign_up_for_their_own_shift(client, frozen_clock):
    shift, _ = await _shift(client, frozen_clock)
    r = await client.post(f"/api/v1/shifts/{shift['id']}/signups", headers=await login(client, "staff_a"))
    assert r.status_code == 403
