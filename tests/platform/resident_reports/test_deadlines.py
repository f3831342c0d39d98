"""限时办结 and 督办: one overdue definition everywhere; reminders at 50 % and 90 %; escalation at the deadline;
each fired once however often the job runs (injectable clock)."""

from factories import login, page_login
from jinlin.notifications.tables import Notification
from jinlin.resident_reports.tables import ReportAlert, ResidentReport
from jinlin.resident_reports.tasks import enforce_deadlines_body

API = "/api/v1/resident-reports"


async def _notices(kind, **where):
    query = Notification.select().where(Notification.kind == kind)
    for column, value in where.items():
        query = query.where(getattr(Notification, column) == value)
    return await query


async def test_reminders_at_half_and_ninety_percent_and_escalation_at_the_deadline_fire_once(
    client, world, file_report, frozen_clock
):
    code = await file_report(world.areas["building_a1"])  # environment → yellow: accept in 72 h, resolve in 168 h
    grid_a = world.accounts["grid_a"]
    assert await enforce_deadlines_body() == 0
    frozen_clock.advance(hours=36, minutes=1)
    assert await enforce_deadlines_body() == 1
    assert await enforce_deadlines_body() == 0
    assert len(await _notices("report_reminder", account=grid_a)) == 1
    frozen_clock.advance(hours=29)  # 65 h: past 90 % of 72 h
    assert await enforce_deadlines_body() == 1
    assert await enforce_deadlines_body() == 0
    assert len(await _notices("report_reminder", account=grid_a)) == 2
    frozen_clock.advance(hours=8)  # 73 h: not accepted in time → the community
    assert await enforce_deadlines_body() == 1  # the escalation (50 % of the time to resolve is 84 h)
    row = await ResidentReport.select().where(ResidentReport.code == code).first()
    assert row["level"] == "community" and row["escalation_count"] == 1
    escalated = await _notices("report_escalated")
    assert [n["organization"] for n in escalated] == [world.orgs["comm_a"]["id"]]
    assert await enforce_deadlines_body() == 0
    assert len(await _notices("report_escalated")) == 1
    # The community's admin sees it on the 督办 list, the street's not yet.
    admin = await login(client, "admin_a")
    listed = (await client.get(f"{API}?escalated=true", headers=admin)).json()
    assert [r["code"] for r in listed["items"]] == [code]
    frozen_clock.advance(hours=96)  # 169 h: not resolved in time either → the street
    await enforce_deadlines_body()
    row = await ResidentReport.select().where(ResidentReport.code == code).first()
    assert row["level"] == "street"
    assert [n["organization"] for n in await _notices("report_escalated")] == [
        world.orgs["comm_a"]["id"],
        world.orgs["east"]["id"],
    ]
    street = await login(client, "street_east")
    chased = await client.post(f"{API}/{row['id']}/chase", json={"note": "限期办结"}, headers=street)
    assert chased.status_code == 200
    keys = sorted(a["key"] for a in await ReportAlert.select())
    assert len(keys) == len(set(keys))


async def test_overdue_means_the_same_on_the_page_in_the_filter_in_the_api_and_in_the_kpi(
    client, world, file_report, frozen_clock
):
    late = await file_report(world.areas["building_a1"])
    await file_report(world.areas["building_a1"], category="parking")  # accepted in time below
    on_time = await ResidentReport.select().where(ResidentReport.category == "parking").first()
    headers = await login(client, "grid_a")
    await client.post(f"{API}/{on_time['id']}/accept", headers=headers)
    frozen_clock.advance(hours=73)  # past respond-by (72 h) without acceptance; resolve-by (168 h) not yet
    late_row = await ResidentReport.select().where(ResidentReport.code == late).first()

    single = (await client.get(f"{API}/{late_row['id']}", headers=headers)).json()
    assert single["overdue"] is True
    assert (await client.get(f"{API}/{on_time['id']}", headers=headers)).json()["overdue"] is False
    filtered = (await client.get(f"{API}?overdue=true", headers=headers)).json()
    assert [r["id"] for r in filtered["items"]] == [late_row["id"]]
    others = (await client.get(f"{API}?overdue=false", headers=headers)).json()
    assert [r["id"] for r in others["items"]] == [on_time["id"]]
    await page_login(client, "grid_a")
    page = await client.get("/resident-reports?view=overdue")
    assert f'data-testid="overdue-{late_row["id"]}"' in page.text and f'report-{on_time["id"]}"' not in page.text
    admin = await login(client, "admin_a")
    kpis = (await client.get(f"{API}/kpis?area_id={world.areas['comm_a']['id']}", headers=admin)).json()
    assert kpis["overdue"] == 1


async def test_the_workbench_lists_reports_waiting_and_the_escalated_ones_for_the_community(
    client, world, file_report, frozen_clock
):
    from factories import principal
    from jinlin.core.workbench import collect

    code = await file_report(world.areas["building_a1"])
    waiting = [i for i in await collect(await principal("grid_a")) if i.group == "Reports waiting for me"]
    assert len(waiting) == 1 and waiting[0].href.endswith(str((await ResidentReport.select().first())["id"]))
    assert not [i for i in await collect(await principal("admin_a")) if i.group == "Escalated to you"]
    frozen_clock.advance(hours=73)
    await enforce_deadlines_body()
    escalated = [i for i in await collect(await principal("admin_a")) if i.group == "Escalated to you"]
    assert len(escalated) == 1 and code not in escalated[0].title
    assert not [i for i in await collect(await principal("street_east")) if i.group == "Escalated to you"]
