"""Downloads from pages work with the page's own session, and exported times are the times the page shows."""

import io
import re
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook

from factories import csrf_token, login, make_activity, make_need, make_world, page_login
from jinlin.core import clock
from jinlin.offers.tables import Offer

DOWNLOAD = re.compile(r'href="(/[^"]*(?:\.xlsx|/certificate)[^"]*)"')


def _sheet(content: bytes) -> list[list]:
    return [list(r) for r in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


async def _pages_with_downloads(client, w) -> dict[str, list[str]]:
    start = clock.now() + timedelta(days=2)
    activity = await make_activity(
        client,
        await login(client, "leader"),
        w.orgs["team"]["id"],
        w.areas["comm_a"]["id"],
        [{"start": start, "end": start + timedelta(hours=2), "slots": 3}],
    )
    shift_id = activity["shifts"][0]["id"]
    return {
        "admin_a": ["/needs", "/offers", "/setup"],
        "county": ["/needs", "/offers", "/setup"],
        "leader": [f"/shifts/{shift_id}/manage", "/my/shifts"],
        "volunteer": ["/my/shifts"],
    }


async def test_every_download_link_in_a_page_works_with_that_pages_session_cookie(client):
    w = await make_world()
    pages = await _pages_with_downloads(client, w)
    fetched = 0
    for username, paths in pages.items():
        client.cookies.clear()
        await page_login(client, username)
        for path in paths:
            page = await client.get(path)
            assert page.status_code == 200, (username, path, page.status_code)
            for href in DOWNLOAD.findall(page.text):
                href = href.replace("&amp;", "&")
                r = await client.get(href)
                assert r.status_code == 200, (username, path, href, r.status_code, r.text[:200])
                assert "json" not in r.headers["content-type"], (href, r.text[:200])
                fetched += 1
    assert fetched >= 8


async def test_the_needs_export_writes_the_deadlines_the_page_shows_in_china_time(client):
    w = await make_world()
    due = datetime(2026, 12, 1, 1, 30, tzinfo=UTC)  # 09:30 in China
    need = await make_need(
        "admin_a", w.orgs["comm_a"], title="楼道清扫", respond_by=due, resolve_by=due + timedelta(days=1)
    )
    await page_login(client, "admin_a")
    page = (await client.get(f"/needs/{need.id}")).text
    assert "12-01 09:30" in page and "12-02 09:30" in page
    rows = _sheet((await client.get("/needs/export.xlsx")).content)
    header = rows[0]
    assert "响应时限（北京时间）" in header and "办结时限（北京时间）" in header
    row = next(r for r in rows[1:] if r[0] == need.id)
    assert row[header.index("响应时限（北京时间）")] == "2026-12-01 09:30"
    assert row[header.index("办结时限（北京时间）")] == "2026-12-02 09:30"


async def test_an_offer_imported_in_china_time_exports_and_shows_the_same_time(client):
    w = await make_world()
    await page_login(client, "liaison")
    token = await csrf_token(client, "/offers")
    content = "标题,类别,数量,开始时间（北京时间）,结束时间（北京时间）\n周末义诊,health,10,2026-12-05 09:00,2026-12-05 17:00\n"
    r = await client.post(
        "/offers/import",
        data={"_csrf_token": token, "organization_id": w.orgs["enterprise"]["id"]},
        files={"file": ("offers.csv", content.encode(), "text/csv")},
    )
    assert r.status_code in (200, 201, 302, 303), r.text[:500]
    offer = await Offer.select().where(Offer.title == "周末义诊").first()
    assert offer["available_from"] == datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
    rows = _sheet((await client.get("/offers/export.xlsx")).content)
    row = next(r for r in rows[1:] if r[1] == "周末义诊")
    assert row[rows[0].index("开始时间（北京时间）")] == "2026-12-05 09:00"
    assert row[rows[0].index("结束时间（北京时间）")] == "2026-12-05 17:00"
