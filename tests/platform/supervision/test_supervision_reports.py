"""督查通报: a street or county admin generates a report for an area and period; it is a real PDF (cover,
one page per section, page numbers, Chinese text extractable), its XLSX carries the page's figures, it is
archived, and publishing tells the organisations concerned."""

import io
import sys
from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

from factories import login, make_need, make_world
from jinlin.calls.tables import Call
from jinlin.core import clock
from jinlin.needs.tables import Need
from jinlin.notifications.tables import Notification
from jinlin.supervision.figures import SECTIONS, extra_sections
from jinlin.supervision.tables import SupervisionReport

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "grading"))
from grading_data import year_of_work


async def _data(w):
    await year_of_work(w)
    # 社区B's need missed its deadline; 社区C's call got no pledge.
    late = await make_need("admin_b", w.orgs["comm_b"], title="楼道照明维修")
    await Need.update({Need.resolve_by: clock.now() - timedelta(days=2)}).where(Need.id == late.id)
    now = clock.now()
    await Call.insert(
        Call(
            issuer_id=w.orgs["comm_c"]["id"],
            area_id=w.areas["comm_c"]["id"],
            title="冬季送温暖号召",
            quantity=3,
            unit="户",
            created_at=now,
            updated_at=now,
        )
    )


async def _generate(client, headers, area_id, period="2026"):
    r = await client.post("/api/v1/supervision-reports", json={"area_id": area_id, "period": period}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


async def test_a_report_is_a_pdf_with_a_cover_page_numbers_and_chinese_text(client, frozen_clock):
    w = await make_world()
    await _data(w)
    county = await login(client, "county")
    report = await _generate(client, county, w.areas["county"]["id"])
    # Embedded shape: the job ran inline; the report is done and archived.
    assert report["status"] == "succeeded" and report["progress"] == 1.0, report["error"]
    assert report["issuing_office"] == "县社会工作部"
    pdf = await client.get(f"/api/v1/supervision-reports/{report['id']}/report.pdf", headers=county)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf.content))
    # A cover, then one page per section (the sections are short in this county).
    assert len(reader.pages) == 1 + len(SECTIONS) + len(extra_sections()) == report["pages"]
    cover = reader.pages[0].extract_text()
    assert "督查通报" in cover and "测试县" in cover and "2026" in cover and "县社会工作部" in cover
    second = reader.pages[1].extract_text()
    assert "概况" in second and "东街道" in second and f"2 / {len(reader.pages)}" in second
    text = "".join(p.extract_text() for p in reader.pages)
    assert "楼道照明维修" in text and "冬季送温暖号召" in text and "鑫源建材有限公司" in text
    assert await SupervisionReport.count() == 1


async def test_the_xlsx_carries_the_same_figures_as_the_page(client, frozen_clock):
    w = await make_world()
    await _data(w)
    county = await login(client, "county")
    report = await _generate(client, county, w.areas["county"]["id"])
    f = report["figures"]
    xlsx = await client.get(f"/api/v1/supervision-reports/{report['id']}/report.xlsx", headers=county)
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames[0] == "概况"
    rows = {r[0]: r[1:] for r in book["概况"].iter_rows(min_row=2, values_only=True)}
    expected = {f["area"]["name"]: f["overview"]["total"], **{c["name"]: c for c in f["overview"]["by_child"]}}
    assert set(rows) == set(expected) == {"测试县", "东街道", "西街道"}
    for name, k in expected.items():
        assert rows[name] == (
            k["published"],
            k["responded"],
            k["resolved"],
            k["on_time"],
            k["response_rate"],
            k["resolution_rate"],
            k["on_time_rate"],
        )
    page = await client.get(f"/supervision/reports/{report['id']}")
    east = f["overview"]["by_child"][0]
    assert east["name"] == "东街道" and f'data-row="东街道"><td>东街道</td><td>{east["published"]}</td>' in page.text
    overdue = [r for r in book["逾期事项"].iter_rows(min_row=2, values_only=True)]
    assert [r[0] for r in overdue] == [i["title"] for i in f["overdue"]["needs"]] == ["楼道照明维修"]
    assert f'data-testid="overdue-count">{f["overdue"]["count"]}<' in page.text
    unanswered = [r[0] for r in book["未响应号召"].iter_rows(min_row=2, values_only=True)]
    assert unanswered == ["冬季送温暖号召"]


async def test_publishing_tells_the_organisations_concerned_who_then_can_read_it(client, frozen_clock):
    w = await make_world()
    await _data(w)
    street = await login(client, "street_east")
    report = await _generate(client, street, w.areas["east"]["id"])
    assert report["issuing_office"] == "东街道办事处"
    admin_a = await login(client, "admin_a")
    assert (await client.get(f"/api/v1/supervision-reports/{report['id']}", headers=admin_a)).status_code == 404
    r = await client.post(f"/api/v1/supervision-reports/{report['id']}/publish", headers=admin_a)
    assert r.status_code == 404
    r = await client.post(f"/api/v1/supervision-reports/{report['id']}/publish", headers=street)
    assert r.status_code == 201, r.text
    published = set(r.json()["published_to"])
    # The street office and its communities, and the unit the report names (a responder).
    assert {w.orgs[k]["id"] for k in ("east", "comm_a", "comm_b", "enterprise")} <= published
    assert w.orgs["comm_c"]["id"] not in published
    notes = await Notification.select().where(Notification.kind == "supervision_report")
    assert {n["organization"] for n in notes} == published
    assert all(n["link"] == f"/supervision/reports/{report['id']}" for n in notes)
    seen = await client.get(f"/api/v1/supervision-reports/{report['id']}/report.pdf", headers=admin_a)
    assert seen.status_code == 200 and seen.content.startswith(b"%PDF-")
    again = await client.post(f"/api/v1/supervision-reports/{report['id']}/publish", headers=street)
    assert again.status_code == 409 and await Notification.count().where(
        Notification.kind == "supervision_report"
    ) == len(published)


async def test_only_street_and_county_admins_generate_reports_in_their_own_area(client, frozen_clock):
    w = await make_world()
    r = await client.post(
        "/api/v1/supervision-reports", json={"area_id": w.areas["comm_a"]["id"]}, headers=await login(client, "admin_a")
    )
    assert r.status_code == 404
    r = await client.post(
        "/api/v1/supervision-reports",
        json={"area_id": w.areas["west"]["id"]},
        headers=await login(client, "street_east"),
    )
    assert r.status_code == 404
    r = await client.post(
        "/api/v1/supervision-reports",
        json={"area_id": w.areas["east"]["id"], "period": "2026-13"},
        headers=await login(client, "street_east"),
    )
    assert r.status_code == 400 and "period" in r.json()["error"]["fields"]
    assert await SupervisionReport.count() == 0


async def test_the_monthly_report_is_made_once_for_the_month_before_and_published_when_chosen(client, frozen_clock):
    from jinlin.supervision.tasks import monthly_reports_body

    w = await make_world()
    county = await login(client, "county")
    r = await client.put(
        f"/api/v1/supervision-schedules/{w.areas['county']['id']}",
        headers=county,
        json={"enabled": True, "publish": True},
    )
    assert r.status_code == 200 and r.json()["enabled"]
    made = await monthly_reports_body()
    assert len(made) == 1
    row = await SupervisionReport.select(
        SupervisionReport.period, SupervisionReport.status, SupervisionReport.kind, SupervisionReport.published_at
    ).first()
    assert (row["period"], row["status"], row["kind"]) == ("2026-10", "succeeded", "scheduled")
    assert row["published_at"] is not None
    assert await monthly_reports_body() == []  # run twice: nothing new
    assert await SupervisionReport.count() == 1


async def test_a_real_worker_generates_the_report_with_progress(client, frozen_clock, celery_worker):
    import asyncio

    w = await make_world()
    await _data(w)
    county = await login(client, "county")
    report = await _generate(client, county, w.areas["county"]["id"])
    assert report["status"] in ("queued", "running", "succeeded")
    seen = set()
    for _ in range(240):
        got = (await client.get(f"/api/v1/supervision-reports/{report['id']}", headers=county)).json()
        seen.add(got["status"])
        if got["status"] in ("succeeded", "failed"):
            break
        await asyncio.sleep(0.25)
    assert got["status"] == "succeeded", got["error"]
    assert got["progress"] == 1.0 and got["pages"] == 1 + len(SECTIONS) + len(extra_sections())
    pdf = await client.get(f"/api/v1/supervision-reports/{report['id']}/report.pdf", headers=county)
    assert "督查通报" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
