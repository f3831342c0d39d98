"""督查通报 lists residents' reports that are overdue or escalated (督办) in the area and period, in the PDF and
the XLSX, by tracking code and place only."""

import io

from openpyxl import load_workbook
from pypdf import PdfReader

from factories import login, make_report_world
from jinlin.core import ratelimit
from jinlin.resident_reports.tables import ResidentReport
from jinlin.resident_reports.tasks import enforce_deadlines_body

SHEET = "接诉即办超期与督办"


async def test_an_escalated_residents_report_appears_in_the_pdf_and_the_xlsx(client, frozen_clock):
    w = await make_report_world()
    await ratelimit.reset()
    body = {"area_id": w.areas["building_a1"]["id"], "category": "environment", "description": "楼道堆放杂物"}
    filed = await client.post("/api/v1/resident-reports", json={**body, "consent": True})
    assert filed.status_code == 201, filed.text
    code = filed.json()["code"]
    frozen_clock.advance(hours=73)  # not accepted within 72 h: escalated to the community
    await enforce_deadlines_body()
    assert (await ResidentReport.select(ResidentReport.escalation_count).first())["escalation_count"] == 1

    county = await login(client, "county")
    r = await client.post(
        "/api/v1/supervision-reports", json={"area_id": w.areas["county"]["id"], "period": "2026"}, headers=county
    )
    assert r.status_code == 201 and r.json()["status"] == "succeeded", r.text
    report = r.json()
    pdf = await client.get(f"/api/v1/supervision-reports/{report['id']}/report.pdf", headers=county)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert SHEET in text and code in text and "1号楼" in text
    assert "楼道堆放杂物" not in text  # the resident's own words stay out of the report
    xlsx = await client.get(f"/api/v1/supervision-reports/{report['id']}/report.xlsx", headers=county)
    sheet = load_workbook(io.BytesIO(xlsx.content))[SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "查询码" and [r[0] for r in rows[1:]] == [code]
    assert rows[1][1] == "1号楼" and rows[1][-1] == 1


async def test_a_report_of_another_period_stays_out_of_the_section(client, frozen_clock):
    w = await make_report_world()
    await ratelimit.reset()
    body = {"area_id": w.areas["building_a1"]["id"], "category": "environment", "description": "路灯不亮"}
    assert (await client.post("/api/v1/resident-reports", json={**body, "consent": True})).status_code == 201
    frozen_clock.advance(hours=73)
    await enforce_deadlines_body()
    county = await login(client, "county")
    r = await client.post(
        "/api/v1/supervision-reports", json={"area_id": w.areas["county"]["id"], "period": "2026-10"}, headers=county
    )
    assert r.json()["figures"]["resident_reports"]["rows"] == []
