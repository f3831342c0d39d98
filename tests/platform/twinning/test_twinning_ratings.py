"""评价 of a twinning at the end of its period, through the shared blind rule: neither side sees the
other's rating until both have rated (or the window has closed)."""

from factories import csrf_token, login, make_world
from jinlin.core import clock
from jinlin.notifications.tables import Notification
from jinlin.ratings.tables import Rating
from jinlin.twinning.tables import Twinning

SCORES = {"score": 5, "timeliness": 4, "quality": 5, "communication": 4, "comment": "帮了大忙"}


async def _active_pair(w, period):
    now = clock.now()
    t = Twinning(
        helper_id=w.orgs["enterprise"]["id"],
        community_id=w.orgs["comm_a"]["id"],
        period=period,
        status="active",
        pair_key=f"{period}:e:a:manual",
        accepted_at=now,
        created_at=now,
        updated_at=now,
    )
    await t.save()
    return t.id


async def test_a_twinning_is_rated_only_once_its_period_is_over(client, frozen_clock):
    w = await make_world()
    pid = await _active_pair(w, period=2026)  # the clock is in November 2026
    liaison = await login(client, "liaison")
    r = await client.post(f"/api/v1/twinnings/{pid}/ratings", json=SCORES, headers=liaison)
    assert r.status_code == 409
    frozen_clock.advance(days=45)  # January 2027: the period is over
    liaison = await login(client, "liaison")
    r = await client.post(f"/api/v1/twinnings/{pid}/ratings", json=SCORES, headers=liaison)
    assert r.status_code == 201, r.text


async def test_a_twinning_rating_is_blind_until_both_sides_have_rated(client, frozen_clock):
    w = await make_world()
    pid = await _active_pair(w, period=2026)
    street = await login(client, "street_east")
    assert (await client.post(f"/api/v1/twinnings/{pid}/end", headers=street)).status_code == 201
    liaison = await login(client, "liaison")
    r = await client.post(f"/api/v1/twinnings/{pid}/ratings", json=SCORES, headers=liaison)
    assert r.status_code == 201, r.text
    assert r.json()["rater_side"] == "helper" and r.json()["visible"]
    assert await Notification.exists().where(
        (Notification.kind == "twinning_rated") & (Notification.organization == w.orgs["comm_a"]["id"])
    )
    # The community cannot see the helper's scores before rating itself.
    admin = await login(client, "admin_a")
    seen = (await client.get(f"/api/v1/twinnings/{pid}/ratings", headers=admin)).json()
    assert seen["can_rate"] and [(i["rater_side"], i["visible"], i["score"]) for i in seen["items"]] == [
        ("helper", False, None)
    ]
    page = await client.get(f"/twinnings/{pid}")
    assert 'data-testid="rating-helper" data-visible="no"' in page.text and "帮了大忙" not in page.text
    # Street staff (not a side) see neither score either.
    hidden = (await client.get(f"/api/v1/twinnings/{pid}/ratings", headers=street)).json()["items"]
    assert [i["score"] for i in hidden] == [None]
    # The community rates through the page; then both ratings are visible to both.
    token = await csrf_token(client, f"/twinnings/{pid}")
    r = await client.post(
        f"/twinnings/{pid}/rate",
        data={
            "_csrf_token": token,
            "side": "community",
            "score": "3",
            "timeliness": "3",
            "quality": "4",
            "communication": "2",
            "comment": "沟通可以更及时",
        },
    )
    assert r.status_code == 303, r.text
    page = await client.get(f"/twinnings/{pid}")
    assert 'data-testid="rating-helper" data-visible="yes"' in page.text and "帮了大忙" in page.text
    assert "rate-form" not in page.text
    mine = (await client.get(f"/api/v1/twinnings/{pid}/ratings", headers=liaison)).json()["items"]
    assert sorted((i["rater_side"], i["score"]) for i in mine) == [("community", 3), ("helper", 5)]
    # Each side rates once.
    again = await client.post(f"/api/v1/twinnings/{pid}/ratings", json=SCORES, headers=liaison)
    assert again.status_code == 409
    assert await Rating.count().where(Rating.subject_type == "twinning") == 2


async def test_after_the_window_a_single_rating_becomes_visible_and_no_more_can_be_added(client, frozen_clock):
    w = await make_world()
    pid = await _active_pair(w, period=2026)
    street = await login(client, "street_east")
    await client.post(f"/api/v1/twinnings/{pid}/end", headers=street)
    liaison = await login(client, "liaison")
    await client.post(f"/api/v1/twinnings/{pid}/ratings", json=SCORES, headers=liaison)
    frozen_clock.advance(days=31)
    liaison = await login(client, "liaison")
    admin = await login(client, "admin_a")
    seen = (await client.get(f"/api/v1/twinnings/{pid}/ratings", headers=admin)).json()
    assert not seen["can_rate"] and seen["items"][0]["score"] == 5
    late = await client.post(f"/api/v1/twinnings/{pid}/ratings", json=SCORES, headers=admin)
    assert late.status_code == 409


async def test_only_the_two_sides_rate_a_twinning(client, frozen_clock):
    w = await make_world()
    pid = await _active_pair(w, period=2025)
    street = await login(client, "street_east")
    assert (await client.post(f"/api/v1/twinnings/{pid}/ratings", json=SCORES, headers=street)).status_code == 403
    admin = await login(client, "admin_a")
    # Its period ended long ago and nobody ended it: the window has closed.
    assert (await client.post(f"/api/v1/twinnings/{pid}/ratings", json=SCORES, headers=admin)).status_code == 409
