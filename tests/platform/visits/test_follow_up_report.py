"""A visit's follow-up becomes a resident report (接诉即办): marked as from a visit, with no personal data,
linked both ways, accepted at once if the worker wants, left out of the satisfaction rate."""

from datetime import UTC, datetime

from factories import MARKER, csrf_token, grant_records, login, make_area, make_records_world, page_login
from jinlin.audit.tables import AuditEvent
from jinlin.notifications.tables import Delivery, Notification
from jinlin.resident_reports.kpis import totals
from jinlin.resident_reports.tables import ReportContact, ReportEvent, ResidentReport
from jinlin.visits.tables import Visit


async def _visit(client, w, username="grid_a") -> int:
    r = await client.post(
        "/api/v1/visits",
        headers=await login(client, username),
        json={
            "household_id": w.orgs["household"]["id"],
            "findings": f"{MARKER}说楼道灯坏了",
            "follow_up": "报修楼道灯",
        },
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def _everything_about_reports() -> str:
    rows = [
        *await ResidentReport.select(),
        *await ReportEvent.select(),
        *await ReportContact.select(),
        *await Notification.select(),
        *await Delivery.select(),
        *await AuditEvent.select(),
    ]
    return str(rows)


async def test_a_follow_up_becomes_a_report_from_a_visit_without_personal_data(client, frozen_clock, caplog):
    w = await make_records_world()
    building = await make_area("3号楼", "building", w.areas["grid_a1"])
    visit_id = await _visit(client, w)
    headers = await login(client, "grid_a")
    refused = await client.post(
        f"/api/v1/visits/{visit_id}/report", headers=headers, json={"description": f"{MARKER}家门口楼道灯坏了"}
    )
    assert refused.status_code == 400 and "description" in refused.text and MARKER not in refused.text
    refused = await client.post(
        f"/api/v1/visits/{visit_id}/report", headers=headers, json={"description": "楼道灯坏了 请回电 13912340000"}
    )
    assert refused.status_code == 400
    elsewhere = await client.post(
        f"/api/v1/visits/{visit_id}/report",
        headers=headers,
        json={"description": "楼道灯坏了", "area_id": w.areas["grid_a2"]["id"]},
    )
    assert elsewhere.status_code == 400 and "area_id" in elsewhere.text
    assert await ResidentReport.count() == 0 and (await Visit.select().first())["report"] is None

    r = await client.post(
        f"/api/v1/visits/{visit_id}/report",
        headers=headers,
        json={"description": "3号楼2单元楼道灯坏了", "category": "facilities", "area_id": building["id"]},
    )
    assert r.status_code == 201, r.text
    shown = r.json()
    report = await ResidentReport.select().first()
    assert shown["report_id"] == report["id"] and shown["report_code"] == report["code"]
    assert shown["report_status"] == "submitted"
    assert (
        report["source"] == "visit" and report["area"] == building["id"] and report["grid"] == w.areas["grid_a1"]["id"]
    )
    assert report["description"] == "3号楼2单元楼道灯坏了" and report["respond_by"] is not None
    assert await ReportContact.count() == 0
    assert MARKER not in await _everything_about_reports() and "13912340000" not in await _everything_about_reports()
    assert MARKER not in caplog.text
    # Dispatched to the grid's posts like any report.
    assert await Notification.count().where(Notification.object_id == report["id"]) >= 1

    again = await client.post(f"/api/v1/visits/{visit_id}/report", headers=headers, json={"description": "再报一次"})
    assert again.status_code == 409 and await ResidentReport.count() == 1

    # The report says where it came from, not which household; the household's page links back to it.
    detail = await client.get(f"/api/v1/resident-reports/{report['id']}", headers=await login(client, "street_east"))
    assert detail.status_code == 200 and detail.json()["source"] == "visit"
    assert not [k for k in detail.json() if "household" in k or "visit" in k]
    assert "1单元101" not in detail.text
    await page_login(client, "grid_a")
    page = await client.get(f"/resident-reports/{report['id']}")
    assert "来自入户走访" in page.text
    queue = await client.get("/resident-reports")
    assert queue.status_code == 200 and "来自入户走访" in queue.text
    record = await client.get(f"/households/{w.orgs['household']['id']}")
    assert record.status_code == 200 and report["code"] in record.text and "待受理" in record.text


async def test_the_filing_worker_may_accept_it_at_once_and_resolving_it_closes_it(client, frozen_clock):
    w = await make_records_world()
    visit_id = await _visit(client, w)
    headers = await login(client, "grid_a")
    for _ in range(8):  # a resident's address allows five reports an hour; a worker's visits are not throttled
        visit_id = await _visit(client, w)
        r = await client.post(
            f"/api/v1/visits/{visit_id}/report", headers=headers, json={"description": "楼道灯坏了", "accept": True}
        )
        assert r.status_code == 201, r.text
    assert r.json()["report_status"] == "accepted"
    report = await ResidentReport.select().where(ResidentReport.id == r.json()["report_id"]).first()
    assert report["owner"] == w.accounts["grid_a"] and report["responded_at"] is not None
    done = await client.post(
        f"/api/v1/resident-reports/{report['id']}/resolve", headers=headers, json={"note": "已换灯泡"}
    )
    assert done.status_code in (200, 201), done.text
    assert done.json()["status"] == "closed"  # no resident waits to rate it
    rated = await client.post(
        f"/api/v1/resident-reports/track/{report['code']}/rating", json={"satisfaction": "satisfied"}
    )
    assert rated.status_code == 409
    assert (await ResidentReport.select().where(ResidentReport.id == report["id"]).first())["satisfaction"] is None


async def test_visit_reports_count_in_response_but_never_in_satisfaction(client, frozen_clock):
    w = await make_records_world()
    visit_id = await _visit(client, w)
    headers = await login(client, "grid_a")
    r = await client.post(f"/api/v1/visits/{visit_id}/report", headers=headers, json={"description": "楼道灯坏了"})
    assert r.status_code == 201
    # Even a row that somehow holds a rating is left out of the satisfaction rate.
    await ResidentReport.update({ResidentReport.satisfaction: "unsatisfied"}).where(ResidentReport.source == "visit")
    path = w.areas["comm_a"]["path"]
    kpis = await totals(datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC), path)
    assert kpis.received == 1 and kpis.responded == 0 and kpis.rated == 0
    assert kpis.rates["satisfaction_rate"] is None and kpis.rates["response_rate"] == 0.0


async def test_only_those_who_may_see_the_visit_turn_it_into_a_report(client, frozen_clock):
    w = await make_records_world()
    visit_id = await _visit(client, w)
    for username in ("grid_a2", "street_east", "liaison", "admin_b"):
        r = await client.post(
            f"/api/v1/visits/{visit_id}/report",
            headers=await login(client, username),
            json={"description": "楼道灯坏了"},
        )
        assert r.status_code == 404, username
        page = await client.get(f"/visits/{visit_id}/report", headers=await login(client, username))
        assert page.status_code == 404
    assert await ResidentReport.count() == 0
    await page_login(client, "admin_a")
    form = await client.get(f"/visits/{visit_id}/report")
    assert form.status_code == 200 and "身份证" in form.text and 'data-testid="personal-data-warning"' in form.text
    token = await csrf_token(client, f"/visits/{visit_id}/report")
    base = {"_csrf_token": token, "category": "facilities", "area_id": str(w.areas["grid_a1"]["id"])}
    r = await client.post(f"/visits/{visit_id}/report", data={**base, "description": f"{MARKER}家楼道灯坏了"})
    assert r.status_code == 400 and MARKER not in r.text.split("<textarea")[0] and await ResidentReport.count() == 0
    r = await client.post(f"/visits/{visit_id}/report", data={**base, "description": "楼道灯坏了"})
    assert r.status_code == 303, r.text
    assert (await ResidentReport.select().first())["source"] == "visit"


async def test_a_grant_reads_the_visits_but_does_not_file_a_follow_up_and_keepers_reads_are_logged(
    client, frozen_clock
):
    """A community's staff member the community lent 网格A1's records to reads its visits, but a grant is for
    reading: filing a visit's follow-up is refused (403) and changes nothing. The follow-up is sealed like the
    record, so a keeper opening the form is logged in the access ledger."""
    from jinlin.households.tables import RecordAccess

    w = await make_records_world()
    visit_id = await _visit(client, w)
    await grant_records(client, w)
    staff = await login(client, "staff_a")
    r = await client.get("/api/v1/visits", headers=staff, params={"household_id": w.orgs["household"]["id"]})
    assert r.status_code == 200 and [v["id"] for v in r.json()] == [visit_id]

    async def state():
        return await Visit.select(), await _everything_about_reports(), await RecordAccess.count()

    before = await state()
    r = await client.post(f"/api/v1/visits/{visit_id}/report", headers=staff, json={"description": "楼道灯坏了"})
    assert r.status_code == 403
    assert (await client.get(f"/visits/{visit_id}/report", headers=staff)).status_code == 403
    assert await state() == before
    reads = await RecordAccess.count().where(RecordAccess.action == "visits")
    form = await client.get(f"/visits/{visit_id}/report", headers=await login(client, "admin_a"))
    assert form.status_code == 200 and "报修楼道灯" in form.text
    last = await RecordAccess.select().order_by(RecordAccess.id, ascending=False).first()
    assert await RecordAccess.count().where(RecordAccess.action == "visits") == reads + 1
    assert last["account"] == w.accounts["admin_a"] and last["basis"] == "community_admin"
