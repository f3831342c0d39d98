import io

from openpyxl import Workbook

from factories import login, make_world
from jinlin.areas.tables import Area
from jinlin.audit.tables import AuditEvent

HEADERS = ["名称", "级别", "编码", "上级编码", "纬度", "经度", "人口"]


def _csv(rows: list[list[str]]) -> bytes:
    lines = [",".join(HEADERS)] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def _with_codes(w) -> None:
    await Area.update({Area.code: "E01"}).where(Area.id == w.areas["east"]["id"])


async def test_a_good_csv_with_chinese_headers_imports_every_row(client):
    w = await make_world()
    await _with_codes(w)
    content = _csv(
        [
            ["新华社区", "社区", "E01-C9", "E01", "35.13", "117.23", "4200"],
            ["新华第一网格", "网格", "E01-C9-G1", "E01-C9", "", "", ""],
        ]
    )
    r = await client.post(
        "/api/v1/areas/import",
        headers=await login(client, "street_east"),
        files={"file": ("areas.csv", content, "text/csv")},
    )
    assert r.status_code == 201, r.text
    assert r.json()["imported"] == 2
    grid = await Area.select().where(Area.code == "E01-C9-G1").first()
    community = await Area.select().where(Area.code == "E01-C9").first()
    assert grid["parent"] == community["id"] and community["population"] == 4200 and community["lat"] == 35.13
    assert grid["path"].startswith(community["path"])
    assert await AuditEvent.count().where((AuditEvent.object_type == "area") & (AuditEvent.action == "import")) == 1


async def test_a_good_xlsx_with_chinese_headers_imports_every_row(client):
    w = await make_world()
    await _with_codes(w)
    content = _xlsx([["朝阳社区", "社区", "E01-C7", "E01", 35.14, 117.24, 5100]])
    r = await client.post(
        "/api/v1/areas/import",
        headers=await login(client, "county"),
        files={"file": ("areas.xlsx", content, "application/octet-stream")},
    )
    assert r.status_code == 201, r.text
    row = await Area.select().where(Area.code == "E01-C7").first()
    assert row["name"] == "朝阳社区" and row["level"] == "community" and row["population"] == 5100


async def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row_and_column(client):
    w = await make_world()
    await _with_codes(w)
    before = await Area.count()
    content = _csv(
        [
            ["好社区", "社区", "E01-C1", "E01", "35.1", "117.2", "100"],
            ["坏社区", "社区", "E01-C2", "E01", "九十", "117.2", "100"],
            ["好网格", "网格", "E01-C1-G1", "E01-C1", "", "", ""],
        ]
    )
    r = await client.post(
        "/api/v1/areas/import",
        headers=await login(client, "county"),
        files={"file": ("areas.csv", content, "text/csv")},
    )
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "import_rejected"
    assert list(error["fields"]) == ["row 3"] and error["fields"]["row 3"].startswith("纬度")
    assert await Area.count() == before


async def test_every_bad_row_is_reported_not_just_the_first(client):
    w = await make_world()
    await _with_codes(w)
    content = _csv(
        [
            ["", "社区", "", "E01", "", "", ""],
            ["某社区", "星球", "", "E01", "", "", ""],
            ["某网格", "网格", "", "NOPE", "", "", "-5"],
        ]
    )
    r = await client.post(
        "/api/v1/areas/import",
        headers=await login(client, "county"),
        files={"file": ("areas.csv", content, "text/csv")},
    )
    fields = r.json()["error"]["fields"]
    assert set(fields) == {"row 2", "row 3", "row 4"}


async def test_a_street_admin_cannot_import_into_another_street(client):
    w = await make_world()
    await Area.update({Area.code: "W01"}).where(Area.id == w.areas["west"]["id"])
    content = _csv([["越界社区", "社区", "W01-C1", "W01", "", "", ""]])
    r = await client.post(
        "/api/v1/areas/import",
        headers=await login(client, "street_east"),
        files={"file": ("areas.csv", content, "text/csv")},
    )
    assert r.status_code == 400
    assert "上级编码" in r.json()["error"]["fields"]["row 2"]
    assert not await Area.exists().where(Area.code == "W01-C1")
