"""评价 on the pages: the volunteer rates from their shift history, the organiser from the attendance
page, and each sees the other's rating only when the blind rule allows."""

from datetime import timedelta

from factories import csrf_token, login, make_activity, make_volunteer, make_world
from jinlin.ratings.tables import Rating

FORM = {"score": "4", "timeliness": "5", "quality": "4", "communication": "3"}


async def _completed_shift(client, frozen_clock):
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
    frozen_clock.now = start
    code = {"code": shift["checkin_code"]}
    await client.post(f"/api/v1/shifts/{shift['id']}/check-in", json=code, headers=v1)
    frozen_clock.now = start + timedelta(hours=2)
    assert (await client.post(f"/api/v1/shifts/{shift['id']}/check-out", json=code, headers=v1)).json()[
        "status"
    ] == "completed"
    return shift, signup


async def test_volunteer_and_organiser_rate_each_other_on_the_pages_blind_until_both_have(client, frozen_clock):
    shift, signup = await _completed_shift(client, frozen_clock)
    # The volunteer rates the organiser from their shift history.
    await login(client, "v1")
    my = await client.get("/my/shifts")
    assert f'action="/my/signups/{signup["id"]}/rating"' in my.text and "评价组织方" in my.text
    token = await csrf_token(client, "/my/shifts")
    r = await client.post(
        f"/my/signups/{signup['id']}/rating", data={"_csrf_token": token, **FORM, "comment": "安排周到"}
    )
    assert r.status_code == 303
    my = await client.get("/my/shifts")
    assert 'data-testid="my-rating"' in my.text and "安排周到" in my.text
    assert 'data-testid="rating-form"' not in my.text  # once per side

    # The organiser sees that the volunteer rated, but not how, until rating too.
    await login(client, "staff_a")
    manage = await client.get(f"/shifts/{shift['id']}/manage")
    assert 'data-testid="their-rating-hidden"' in manage.text and "安排周到" not in manage.text
    token = await csrf_token(client, f"/shifts/{shift['id']}/manage")
    r = await client.post(
        f"/shifts/{shift['id']}/ratings/{signup['id']}",
        data={"_csrf_token": token, **FORM, "score": "5", "comment": "准时认真"},
    )
    assert r.status_code == 303
    manage = await client.get(f"/shifts/{shift['id']}/manage")
    assert 'data-testid="their-rating"' in manage.text and "安排周到" in manage.text

    await login(client, "v1")
    my = await client.get("/my/shifts")
    assert 'data-testid="their-rating"' in my.text and "准时认真" in my.text and "★★★★★" in my.text
    rows = {r["rater_side"]: r["score"] for r in await Rating.select().where(Rating.subject_type == "signup")}
    assert rows == {"volunteer": 4, "organizer": 5}


async def test_the_volunteer_does_not_see_the_organisers_rating_before_rating(client, frozen_clock):
    shift, signup = await _completed_shift(client, frozen_clock)
    await login(client, "staff_a")
    token = await csrf_token(client, f"/shifts/{shift['id']}/manage")
    r = await client.post(
        f"/shifts/{shift['id']}/ratings/{signup['id']}", data={"_csrf_token": token, **FORM, "comment": "秘密评语"}
    )
    assert r.status_code == 303
    await login(client, "v1")
    my = await client.get("/my/shifts")
    assert 'data-testid="their-rating-hidden"' in my.text and "秘密评语" not in my.text
    # Once the window has closed, both are shown.
    frozen_clock.now = frozen_clock.now + timedelta(days=15)
    await login(client, "v1")  # a fresh session: the old one has expired meanwhile
    my = await client.get("/my/shifts")
    assert "秘密评语" in my.text


async def test_a_rating_that_is_refused_is_shown_next_to_its_form(client, frozen_clock):
    shift, signup = await _completed_shift(client, frozen_clock)
    await login(client, "v1")
    token = await csrf_token(client, "/my/shifts")
    r = await client.post(f"/my/signups/{signup['id']}/rating", data={"_csrf_token": token, **FORM, "score": "9"})
    assert r.status_code == 400 and 'data-field="score"' in r.text
    # The volunteer can't rate as the organiser through the attendance page's form.
    r = await client.post(f"/shifts/{shift['id']}/ratings/{signup['id']}", data={"_csrf_token": token, **FORM})
    assert r.status_code in (403, 404)
    assert await Rating.count() == 0
