"""The scorecard's 走访覆盖率 and 例会规范率, recomputed by hand from the rows of a small world: a household due
but not visited, a visit just after the period, a month without a meeting."""

from datetime import date, datetime

from factories import login, make_household, make_records_world
from jinlin.areas.tables import Area
from jinlin.meetings.tables import Meeting
from jinlin.reports.period import CHINA

ELDER = [{"name": "乙某", "focus_groups": ["empty_nest_elderly"]}]  # every 7 days


async def _values(client, level: str, year: int) -> dict[str, dict]:
    r = await client.get(f"/api/v1/scorecards?level={level}&year={year}", headers=await login(client, "county"))
    assert r.status_code == 200, r.text
    return {row["name"]: row["values"] for row in r.json()["rows"]}


async def test_visit_coverage_counts_households_visited_within_their_frequency_at_the_periods_end(client, frozen_clock):
    w = await make_records_world()  # 网格A1: a focus household; recorded 2026-11-20
    await make_household("grid_a2", w.areas["grid_a2"], ELDER, door="2单元201")  # 网格A2: another
    await make_household("grid_a", w.areas["grid_a1"], [{"name": "丁某"}], door="3单元301")  # no focus group
    frozen_clock.advance(days=51)  # 2027-01-10
    visits = (("grid_a", w.orgs["household"]["id"], "2026-12-28"),)  # due again 2027-01-04: on time at year end
    households = await client.get("/api/v1/households", headers=await login(client, "grid_a2"))
    [second] = [h["id"] for h in households.json()["items"] if h["door"] == "2单元201"]
    visits += (("grid_a2", second, "2027-01-05"),)  # just after the period: 网格A2's household was overdue in 2026
    for username, hid, day in visits:
        r = await client.post(
            "/api/v1/visits", headers=await login(client, username), json={"household_id": hid, "visited_on": day}
        )
        assert r.status_code == 201, r.text
    grids = await _values(client, "grid", 2026)
    assert grids["网格A1"]["visit_coverage"] == 1.0 and grids["网格A2"]["visit_coverage"] == 0.0
    assert grids["网格B1"]["visit_coverage"] is None  # no focus households: not measured
    communities = await _values(client, "community", 2026)
    assert communities["社区A"]["visit_coverage"] == 0.5 and communities["社区B"]["visit_coverage"] is None
    assert (await _values(client, "street", 2026))["东街道"]["visit_coverage"] == 0.5
    # The coverage page's own figure at the same moment is the same computation.
    from factories import principal
    from jinlin.visits.coverage import coverage

    rows = await coverage(await principal("county"), w.areas["comm_a"]["id"], datetime(2027, 1, 1, tzinfo=CHINA))
    assert next(r for r in rows if r.area_id == w.areas["comm_a"]["id"]).rate == 0.5
    # In 2027 (under way: as of now) 网格A2's visit counts and 网格A1's is overdue since 2027-01-04.
    grids = await _values(client, "grid", 2027)
    assert grids["网格A1"]["visit_coverage"] == 0.0 and grids["网格A2"]["visit_coverage"] == 1.0


async def test_meeting_regularity_is_the_share_of_grid_months_over_with_a_meeting(client, frozen_clock):
    w = await make_records_world()
    community = w.orgs["comm_a"]["id"]
    # The grids were set up in 2025; 网格B1 only on 2026-07-02, so it owes August on.
    await Area.update({Area.created_at: datetime(2025, 5, 1, tzinfo=CHINA)}).where(Area.level == "grid")
    await Area.update({Area.created_at: datetime(2026, 7, 2, tzinfo=CHINA)}).where(Area.id == w.areas["grid_b1"]["id"])
    held = [date(2026, m, 10) for m in range(1, 13) if m != 3]  # 网格A1 misses March
    held += [date(2025, 12, 31), date(2027, 1, 5)]  # just outside the year: count for neither month
    held += [date(2026, 6, 1)]  # a second meeting in June is still one month
    for day in held:
        await Meeting.insert(Meeting(community=community, grid=w.areas["grid_a1"]["id"], held_on=day))
    # 2026-11-20: November and December are not over yet, so January-October count (10 months).
    grids = await _values(client, "grid", 2026)
    assert grids["网格A1"]["meeting_regularity"] == 0.9 and grids["网格A2"]["meeting_regularity"] == 0.0
    assert (await _values(client, "community", 2026))["社区A"]["meeting_regularity"] == 0.45
    frozen_clock.advance(days=51)  # 2027-01-10: all twelve months are over
    grids = await _values(client, "grid", 2026)
    assert grids["网格A1"]["meeting_regularity"] == round(11 / 12, 4)
    communities = await _values(client, "community", 2026)
    assert communities["社区A"]["meeting_regularity"] == round(11 / 24, 4)
    # 东街道 adds 网格B1: no meeting in the five months August-December it owes.
    assert (await _values(client, "street", 2026))["东街道"]["meeting_regularity"] == round(11 / 29, 4)
    assert communities["社区C"]["meeting_regularity"] is None  # no grids: nothing to measure
    # The monthly overview flags the same missed month.
    r = await client.get(
        "/api/v1/meetings/by-month",
        headers=await login(client, "admin_a"),
        params={"community_id": community, "month": "2026-03"},
    )
    flags = {g["grid_name"]: g["missed"] for g in r.json()}
    assert flags == {"网格A1": True, "网格A2": True}
    # January 2027 is still under way: nothing over to measure yet.
    assert (await _values(client, "grid", 2027))["网格A1"]["meeting_regularity"] is None
    page = await client.get("/scorecards?level=community&year=2026")
    assert "入户走访覆盖率" in page.text and "网格例会规范率" in page.text
