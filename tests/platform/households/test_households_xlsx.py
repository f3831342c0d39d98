"""Households by Excel template: all-or-nothing import for the community's own staff, row errors without
personal values, and the 低保 focus group accepted by its Chinese label."""

import io

from openpyxl import Workbook, load_workbook

from factories import login, make_records_world
from jinlin.households.spreadsheet import H
from jinlin.households.tables import FocusMembership, Household, Resident

HEADERS = list(H.values())


def _xlsx(rows):
    book = Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _row(name, door="5单元501", groups="低保家庭", id_number="", phone="13800005555", grid="网格A1"):
    return [grid, "5号楼", door, name, "男", 1960, "户主", phone, id_number, groups, "", "", "是"]


async def test_an_import_by_template_creates_households_and_residents(client):
    w = await make_records_world()
    headers = await login(client, "admin_a")
    content = _xlsx(
        [_row("导入甲"), _row("导入乙", groups="空巢老人、残疾人"), _row("导入丙", door="6单元601", grid="网格A2")]
    )
    r = await client.post("/api/v1/households/import", headers=headers, files={"file": ("h.xlsx", content)})
    assert r.status_code == 201, r.text
    assert r.json()["imported"] == 3
    assert await Household.count() == 3  # two new households beside the world's one
    assert await FocusMembership.count().where(FocusMembership.focus_group == "minimum_living_allowance") == 2
    home = await Household.select().where(Household.door == "5单元501").first()
    assert home["member_count"] == 2 and home["grid"] == w.areas["grid_a1"]["id"]
    export = await client.get("/api/v1/households/export.xlsx", headers=headers)
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0] == tuple(HEADERS)
    assert any(row[3] == "导入甲" and row[9] == "低保家庭" for row in rows)


async def test_one_bad_row_imports_nothing_and_the_errors_do_not_repeat_personal_values(client):
    await make_records_world()
    headers = await login(client, "admin_a")
    content = _xlsx(
        [
            _row("导入甲"),
            _row("导入乙", phone="电话号码abc"),
            _row("导入丙", groups="低收入"),
            _row("导入丁", id_number="12345"),
            _row("导入戊", grid="别的网格"),
        ]
    )
    before = await Resident.count()
    r = await client.post("/api/v1/households/import", headers=headers, files={"file": ("h.xlsx", content)})
    assert r.status_code == 400
    fields = r.json()["error"]["fields"]
    assert set(fields) == {"row 3", "row 4", "row 5", "row 6"}
    assert "电话号码abc" not in r.text and "12345" not in r.text and "导入乙" not in r.text and "别的网格" not in r.text
    assert await Resident.count() == before


async def test_only_the_communitys_own_staff_import(client):
    w = await make_records_world()
    content = _xlsx([_row("导入甲")])
    for username in ("admin_b", "street_east", "liaison", "staff_a"):
        r = await client.post(
            "/api/v1/households/import",
            headers=await login(client, username),
            files={"file": ("h.xlsx", content)},
            params={"community_id": w.orgs["comm_a"]["id"]},
        )
        assert r.status_code in (400, 403), username
    assert await Resident.count() == 1
