import io

from openpyxl import Workbook, load_workbook

from factories import login, make_need, make_world
from jinlin.needs.tables import Need


async def test_the_needs_list_round_trips_through_excel(client):
    w = await make_world()
    await make_need(
        "staff_a",
        w.orgs["comm_a"],
        title="助餐",
        quantity=3,
        urgency=3,
        importance=3,
        area_id=w.areas["grid_a1"]["id"],
        beneficiary_groups=["empty_nest_elderly", "disabled"],
    )
    await make_need("staff_a", w.orgs["comm_a"], title="法律咨询", category="legal_aid", quantity=1, splittable=False)
    staff = await login(client, "staff_a")
    r = await client.get("/api/v1/needs/export.xlsx", headers=staff, params={"community_id": w.orgs["comm_a"]["id"]})
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "标题", "类别", "数量")
    by_title = {row[1]: row for row in rows[1:]}
    assert by_title["助餐"][2] == "助老服务" and by_title["助餐"][8] == "红色"
    assert by_title["助餐"][9] == "网格A1" and by_title["助餐"][10] == "空巢老人、残疾人"
    r = await client.post("/api/v1/needs/import", headers=staff, files={"file": ("needs.xlsx", r.content)})
    assert r.status_code == 201, r.text
    assert r.json()["imported"] == 2
    copies = await Need.select().where(Need.id.is_in(r.json()["ids"])).order_by(Need.id)
    original = await Need.select().where(Need.title == "助餐").order_by(Need.id).first()
    copy = next(c for c in copies if c["title"] == "助餐")
    for key in ("category", "quantity", "unit", "splittable", "urgency", "importance", "colour", "area_id"):
        assert copy[key] == original[key], key
    assert next(c for c in copies if c["title"] == "法律咨询")["splittable"] is False


def _xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


async def test_an_import_with_a_bad_row_imports_nothing_and_lists_each_problem(client):
    w = await make_world()
    staff = await login(client, "staff_a")
    content = _xlsx(
        [
            ["标题", "类别", "数量", "单位", "紧急程度", "地点", "受益群体"],
            ["助餐", "助老服务", 3, "人次", 2, "网格A1", "空巢老人"],
            ["", "天上的", "三", "", 9, "网格B1", "外星人"],
            ["维修", "家居维修", 1, "次", 1, "", ""],
        ]
    )
    r = await client.post(
        "/api/v1/needs/import",
        headers=staff,
        files={"file": ("needs.xlsx", content)},
        params={"community_id": w.orgs["comm_a"]["id"]},
    )
    assert r.status_code == 400
    fields = r.json()["error"]["fields"]
    assert r.json()["error"]["code"] == "import_rejected"
    assert set(fields) == {"row 3"} or all(k == "row 3" for k in fields)
    assert await Need.count() == 0


async def test_the_import_reports_every_bad_column(engine):
    import pytest

    from jinlin.core.tabular import ImportRejected
    from jinlin.needs.spreadsheet import import_needs

    w = await make_world()
    from factories import principal

    content = _xlsx([["标题", "类别", "数量", "地点", "受益群体"], ["", "天上的", "三", "网格B1", "外星人"]])
    with pytest.raises(ImportRejected) as caught:
        await import_needs(await principal("staff_a"), "n.xlsx", content, w.orgs["comm_a"]["id"])
    assert {(e.row, e.column) for e in caught.value.errors} == {
        (2, "标题"),
        (2, "类别"),
        (2, "数量"),
        (2, "地点"),
        (2, "受益群体"),
    }


async def test_a_quantity_too_large_for_a_number_is_a_row_error_not_a_server_error(client):
    w = await make_world()
    staff = await login(client, "staff_a")
    content = _xlsx([["标题", "类别", "数量"], ["助餐", "助老服务", "inf"], ["维修", "家居维修", "1e400"]])
    r = await client.post(
        "/api/v1/needs/import",
        headers=staff,
        files={"file": ("needs.xlsx", content)},
        params={"community_id": w.orgs["comm_a"]["id"]},
    )
    assert r.status_code == 400, r.text
    assert set(r.json()["error"]["fields"]) == {"row 2", "row 3"}
    assert all("数量" in reason for reason in r.json()["error"]["fields"].values())
    assert await Need.count() == 0
