"""年度绩效: the KPIs of each community weighted into one score with the county's weights of that year, a
ranking, and the change on the year before, on needs whose figures are worked out here."""

from datetime import UTC, datetime, timedelta

from factories import login, make_need, make_world
from jinlin.core import clock
from jinlin.needs.tables import Need


async def _need(user, org, *, responded, resolved, published_at=None):
    need = await make_need(user, org)
    now = published_at or clock.now()
    await Need.update(
        {
            Need.published_at: now,
            Need.responded_at: now + timedelta(hours=1) if responded else None,
            Need.resolved_at: now + timedelta(hours=2) if resolved else None,
            Need.resolve_by: now + timedelta(days=3),
            Need.status: "resolved" if resolved else "published",
        }
    ).where(Need.id == need.id)


async def test_scores_ranks_and_year_on_year_change_follow_each_years_weights(client, frozen_clock):
    w = await make_world()
    # 2026: 社区A responded 1/2, resolved 1/2, on time 1/1; 社区B responded 1/1, resolved 0/1.
    await _need("staff_a", w.orgs["comm_a"], responded=True, resolved=True)
    await _need("staff_a", w.orgs["comm_a"], responded=False, resolved=False)
    await _need("admin_b", w.orgs["comm_b"], responded=True, resolved=False)
    # 2025: 社区A's one need answered and resolved on time.
    await _need(
        "staff_a", w.orgs["comm_a"], responded=True, resolved=True, published_at=datetime(2025, 6, 1, tzinfo=UTC)
    )
    county = await login(client, "county")
    r = await client.get("/api/v1/scorecards?level=community&year=2026", headers=county)
    assert r.status_code == 200, r.text
    rows = {row["name"]: row for row in r.json()["rows"]}
    a, b, c = rows["社区A"], rows["社区B"], rows["社区C"]
    assert (a["values"]["response_rate"], a["values"]["resolution_rate"], a["values"]["on_time_rate"]) == (
        0.5,
        0.5,
        1.0,
    )
    # Default weights 1/1/1 over the metrics that have a value: (0.5 + 0.5 + 1) / 3 and (1 + 0) / 2.
    assert (a["score"], a["rank"]) == (66.7, 1) and (b["score"], b["rank"]) == (50.0, 2)
    assert c["score"] is None and c["rank"] is None
    assert a["previous_score"] == 100.0 and a["change"] == -33.3
    # The county weighs the response rate threefold from 2026 on: 2026 changes, 2025 does not.
    r = await client.put(
        f"/api/v1/grading-settings/{w.areas['county']['id']}",
        headers=county,
        json={"year_from": 2026, "scorecard_weights": {"response_rate": 3, "resolution_rate": 1, "on_time_rate": 1}},
    )
    assert r.status_code == 200, r.text
    rows = {
        row["name"]: row
        for row in (await client.get("/api/v1/scorecards?level=community&year=2026", headers=county)).json()["rows"]
    }
    assert (rows["社区A"]["score"], rows["社区B"]["score"]) == (60.0, 75.0)
    assert rows["社区B"]["rank"] == 1 and rows["社区A"]["previous_score"] == 100.0
    last = {
        row["name"]: row
        for row in (await client.get("/api/v1/scorecards?level=community&year=2025", headers=county)).json()["rows"]
    }
    assert last["社区A"]["score"] == 100.0
    streets = (await client.get("/api/v1/scorecards?level=street&year=2026", headers=county)).json()["rows"]
    # 东街道 holds 社区A and 社区B: responded 2/3, resolved 1/3, on time 1/1 → (3×2/3 + 1/3 + 1) / 5.
    east = next(s for s in streets if s["name"] == "东街道")
    assert east["score"] == round(100 * (3 * 2 / 3 + 1 / 3 + 1) / 5, 1)
    page = await client.get("/scorecards?level=community&year=2026")
    assert page.status_code == 200 and "年度绩效" in page.text and "75.0" in page.text


async def test_a_community_cannot_read_the_countys_scorecard(client, frozen_clock):
    w = await make_world()
    r = await client.get(
        f"/api/v1/scorecards?area_id={w.areas['county']['id']}", headers=await login(client, "admin_a")
    )
    assert r.status_code == 404
    r = await client.get("/api/v1/scorecards?level=village", headers=await login(client, "county"))
    assert r.status_code == 400 and "level" in r.json()["error"]["fields"]
