"""The KPIs of residents' reports reconcile exactly with the rows they count (recomputed here in Python)."""

from factories import login
from jinlin.resident_reports.tables import ResidentReport

API = "/api/v1/resident-reports"
GROUP_COLUMN = {"worker": "owner", "grid": "grid", "community": "community_area", "street": "street_area"}


def _rate(part, whole):
    return round(part / whole, 4) if whole else None


def _recompute(rows):
    rows = [r for r in rows if r["duplicate_of"] is None]
    received = len(rows)
    resolved = [r for r in rows if r["first_resolved_at"] is not None]
    rated = [r for r in rows if r["satisfaction"] is not None]
    return {
        "response_rate": _rate(sum(r["responded_at"] is not None for r in rows), received),
        "resolution_rate": _rate(len(resolved), received),
        "satisfaction_rate": _rate(sum(r["satisfaction"] in ("satisfied", "basically") for r in rated), len(rated)),
        "on_time_rate": _rate(sum(bool(r["first_resolved_on_time"]) for r in resolved), len(resolved)),
        "first_time_rate": _rate(sum(r["reopen_count"] == 0 for r in resolved), len(resolved)),
        "chase_rate": _rate(sum(r["chase_count"] > 0 for r in rows), received),
        "reopen_rate": _rate(sum(r["reopen_count"] > 0 for r in rows), len(resolved)),
    }


async def _busy_month(client, world, file_report, frozen_clock):
    grid, staff, admin_b, admin_a = [await login(client, u) for u in ("grid_a", "staff_a", "admin_b", "admin_a")]
    cats = ["environment", "facilities", "safety", "neighbours", "property", "parking", "elder_care"]
    ids = []
    for i, cat in enumerate(cats):
        code = await file_report(world.areas["building_a1"] if i % 3 else world.areas["building_b1"], category=cat)
        ids.append((await ResidentReport.select().where(ResidentReport.code == code).first(), code))
    for i, (row, code) in enumerate(ids):
        who = admin_b if row["grid"] == world.areas["grid_b1"]["id"] else (grid if i % 2 else staff)
        if i == 6:
            continue  # never accepted
        await client.post(f"{API}/{row['id']}/accept", json={"urgency": 1 + i % 3, "importance": 2}, headers=who)
        if i == 5:
            await client.post(f"{API}/{row['id']}/chase", json={}, headers=admin_a)
            continue  # still open
        frozen_clock.advance(hours=3 + 20 * i)  # some late, some on time
        await client.post(f"{API}/{row['id']}/resolve", json={"note": "已处理"}, headers=who)
        rating = ["satisfied", "basically", "unsatisfied", "satisfied", "unsatisfied"][i % 5]
        await client.post(f"{API}/track/{code}/rating", json={"satisfaction": rating})
    await file_report(world.areas["building_a1"], category="environment")  # a near-duplicate: not counted


async def test_report_kpis_reconcile_with_the_rows_for_every_grouping(client, world, file_report, frozen_clock):
    await _busy_month(client, world, file_report, frozen_clock)
    rows = await ResidentReport.select()
    county = await login(client, "county")
    for by, column in GROUP_COLUMN.items():
        answer = await client.get(
            f"{API}/kpis?area_id={world.areas['county']['id']}&period=2026-11&by={by}", headers=county
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["rates"] == _recompute(rows)
        assert body["counts"]["received"] == len([r for r in rows if r["duplicate_of"] is None])
        keys = {r[column] for r in rows if r["duplicate_of"] is None and r[column] is not None}
        assert {g["id"] for g in body["ranking"]} == keys
        for group in body["ranking"]:
            assert group["rates"] == _recompute([r for r in rows if r[column] == group["id"]]), (by, group["name"])
    # Another period counts nothing.
    empty = (await client.get(f"{API}/kpis?area_id={world.areas['county']['id']}&period=2025", headers=county)).json()
    assert empty["counts"]["received"] == 0 and empty["rates"]["response_rate"] is None


async def test_average_hours_by_colour_come_from_the_rows(client, world, file_report, frozen_clock):
    await _busy_month(client, world, file_report, frozen_clock)
    rows = [r for r in await ResidentReport.select() if r["duplicate_of"] is None]
    county = await login(client, "county")
    body = (await client.get(f"{API}/kpis?area_id={world.areas['county']['id']}&period=2026-Q4", headers=county)).json()
    for colour, hours in body["hours_by_colour"].items():
        mine = [r for r in rows if r["colour"] == colour and r["first_resolved_at"] is not None]
        expected = (
            round(sum((r["first_resolved_at"] - r["created_at"]).total_seconds() for r in mine) / len(mine) / 3600, 2)
            if mine
            else None
        )
        assert hours["resolve"] == expected
    assert [t["month"] for t in body["trend"]] == ["2026-10", "2026-11", "2026-12"]


async def test_a_street_admin_of_another_street_gets_no_kpis_for_this_one(client, world):
    west = await login(client, "street_west")
    answer = await client.get(f"{API}/kpis?area_id={world.areas['east']['id']}", headers=west)
    assert answer.status_code == 404


async def test_the_kpi_page_shows_the_residents_report_figures_beside_the_needs(client, world, file_report):
    from factories import page_login

    await file_report(world.areas["building_a1"])
    await page_login(client, "admin_a")
    page = await client.get(f"/reports?area_id={world.areas['comm_a']['id']}")
    assert "/resident-reports/kpis/section?" in page.text
    section = await client.get(f"/resident-reports/kpis/section?area_id={world.areas['comm_a']['id']}")
    assert section.status_code == 200 and 'data-kpi="response_rate"' in section.text
    full = await client.get(f"/resident-reports/kpis?area_id={world.areas['comm_a']['id']}&by=worker")
    assert full.status_code == 200 and 'data-testid="ranking"' in full.text and "report-trend" in full.text


async def test_the_kpi_api_carries_the_residents_report_figures(client, world, file_report):
    await file_report(world.areas["building_a1"])
    headers = await login(client, "admin_a")
    body = (await client.get(f"/api/v1/reports/kpis?area_id={world.areas['comm_a']['id']}", headers=headers)).json()
    assert body["resident_reports"]["counts"]["received"] == 1
    assert body["resident_reports"]["response_rate"] == 0.0
    by_org = (
        await client.get(
            f"/api/v1/reports/kpis?organization_id={world.orgs['comm_b']['id']}", headers=await login(client, "admin_b")
        )
    ).json()
    assert by_org["resident_reports"]["counts"]["received"] == 0
