"""督查通报 pages in Chinese: a street admin generates a report from the form, reads it, downloads it,
publishes it and switches the monthly report on; a bad period is refused next to the field."""

from factories import csrf_token, login, make_world
from jinlin.supervision.tables import SupervisionReport, SupervisionSchedule


async def test_a_street_admin_generates_publishes_and_schedules_reports_through_the_pages(client, frozen_clock):
    w = await make_world()
    await login(client, "street_east")
    index = await client.get("/supervision")
    assert index.status_code == 200 and "督查通报" in index.text and "生成通报" in index.text
    token = await csrf_token(client, "/supervision")
    east = str(w.areas["east"]["id"])
    bad = await client.post("/supervision/reports", data={"_csrf_token": token, "area_id": east, "period": "2026-13"})
    assert bad.status_code == 400 and 'data-field="period"' in bad.text and await SupervisionReport.count() == 0
    r = await client.post("/supervision/reports", data={"_csrf_token": token, "area_id": east, "period": "2026-11"})
    assert r.status_code == 303
    page = await client.get(r.headers["location"])
    assert "已生成" in page.text and 'data-testid="download-pdf"' in page.text and "东街道办事处" in page.text
    pdf = await client.get(f"{r.headers['location']}/report.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"].startswith("application/pdf")
    published = await client.post(f"{r.headers['location']}/publish", data={"_csrf_token": token})
    assert published.status_code == 303 and "已发布" in (await client.get(r.headers["location"])).text
    r = await client.post(f"/supervision/schedules/{east}", data={"_csrf_token": token, "enabled": "on"})
    assert r.status_code == 303
    row = await SupervisionSchedule.select().first()
    assert row["enabled"] and not row["publish"]
    # A community admin sees the published report in the archive, but no form.
    await login(client, "admin_a")
    archive = await client.get("/supervision")
    assert "东街道" in archive.text and 'data-testid="report-form"' not in archive.text
