"""The scorecard carries residents' reports' 响应率, 按时办结率 and 满意率 from resident_reports' own KPIs."""

from factories import login, make_report_world
from jinlin.core import clock, ratelimit
from jinlin.resident_reports.tables import ResidentReport


async def test_the_scorecard_shows_the_residents_reports_rates_of_a_community(client, frozen_clock):
    w = await make_report_world()
    codes = []
    for category, text in (("environment", "楼道堆放杂物"), ("facilities", "路灯不亮")):  # not near-duplicates
        await ratelimit.reset()
        body = {"area_id": w.areas["building_a1"]["id"], "category": category, "description": text}
        r = await client.post("/api/v1/resident-reports", json={**body, "consent": True})
        assert r.status_code == 201, r.text
        codes.append(r.json()["code"])
    # one of the two accepted, resolved on time and rated satisfied
    await ResidentReport.update(
        {
            ResidentReport.responded_at: clock.now(),
            ResidentReport.status: "closed",
            ResidentReport.resolved_at: clock.now(),
            ResidentReport.first_resolved_at: clock.now(),
            ResidentReport.first_resolved_on_time: True,
            ResidentReport.satisfaction: "satisfied",
        }
    ).where(ResidentReport.code == codes[0])
    county = await login(client, "county")
    r = await client.get("/api/v1/scorecards?level=community&year=2026", headers=county)
    assert r.status_code == 200, r.text
    rows = {row["name"]: row for row in r.json()["rows"]}
    values = rows[w.areas["comm_a"]["name"]]["values"]
    assert values["report_response_rate"] == 0.5
    assert values["report_on_time_rate"] == 1.0 and values["report_satisfaction_rate"] == 1.0
    assert rows[w.areas["comm_b"]["name"]]["values"]["report_response_rate"] is None
    page = await client.get("/scorecards?level=community&year=2026")
    assert "接诉即办响应率" in page.text
