"""``total`` stays the exact count of the list (API.md), whether or not the page alone could tell it."""

from datetime import UTC, datetime, timedelta

from factories import login, make_activity, make_need, make_world


async def test_totals_follow_writes_on_full_short_and_past_the_end_pages(client):
    w = await make_world()
    staff = await login(client, "staff_a")
    for n in range(3):
        await make_need("staff_a", w.orgs["comm_a"], title=f"助餐{n}")
    mine = {"community_id": w.orgs["comm_a"]["id"]}
    full = (await client.get("/api/v1/needs", headers=staff, params={**mine, "limit": 2})).json()
    assert full["total"] == 3 and len(full["items"]) == 2 and full["next_cursor"]
    rest = (await client.get("/api/v1/needs", headers=staff, params={**mine, "cursor": full["next_cursor"]})).json()
    assert rest["total"] == 3 and len(rest["items"]) == 1 and rest["next_cursor"] is None
    past = (await client.get("/api/v1/needs", headers=staff, params={**mine, "offset": 10})).json()
    assert past == {"items": [], "next_cursor": None, "total": 3}
    exact = (await client.get("/api/v1/needs", headers=staff, params={**mine, "limit": 3})).json()
    assert exact["total"] == 3 and exact["next_cursor"] is None

    await make_need("staff_a", w.orgs["comm_a"], title="助餐3")
    full = (await client.get("/api/v1/needs", headers=staff, params={**mine, "limit": 2})).json()
    assert full["total"] == 4
    short = (await client.get("/api/v1/needs", headers=staff, params={**mine, "limit": 50})).json()
    assert short["total"] == 4 and len(short["items"]) == 4


async def test_activity_totals_follow_writes(client):
    w = await make_world()
    staff = await login(client, "staff_a")
    before = (await client.get("/api/v1/activities", headers=staff, params={"limit": 1})).json()["total"]
    start = datetime.now(UTC) + timedelta(days=1)
    for _ in range(2):
        await make_activity(
            client,
            staff,
            w.orgs["comm_a"]["id"],
            w.areas["comm_a"]["id"],
            [{"start": start, "end": start + timedelta(hours=2), "slots": 2}],
        )
    page = (await client.get("/api/v1/activities", headers=staff, params={"limit": 1})).json()
    assert page["total"] == before + 2
    everything = (await client.get("/api/v1/activities", headers=staff, params={"limit": 200})).json()
    assert everything["total"] == before + 2 == len(everything["items"])
