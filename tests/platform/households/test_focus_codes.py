"""低保家庭 is its own beneficiary-group code, with Chinese labels, accepted by the needs import."""

import io

from openpyxl import Workbook

from factories import login, make_world
from jinlin.needs.tables import Need


async def test_minimum_living_allowance_is_listed_with_its_chinese_label(client):
    await make_world()
    r = await client.get("/api/v1/categories", headers=await login(client, "staff_a"))
    assert r.status_code == 200
    groups = {g["code"]: g for g in r.json()["beneficiary_groups"]}
    assert groups["minimum_living_allowance"]["zh"] == "低保家庭"
    assert groups["low_income"]["zh"] != "低保家庭"


async def test_the_needs_import_accepts_the_minimum_living_allowance_group(client):
    w = await make_world()
    book = Workbook()
    book.active.append(["标题", "类别", "数量", "受益群体"])
    book.active.append(["低保户冬季慰问", "助老服务", 3, "低保家庭"])
    buf = io.BytesIO()
    book.save(buf)
    r = await client.post(
        "/api/v1/needs/import",
        headers=await login(client, "staff_a"),
        files={"file": ("needs.xlsx", buf.getvalue())},
        params={"community_id": w.orgs["comm_a"]["id"]},
    )
    assert r.status_code == 201, r.text
    need = await Need.select().first()
    assert "minimum_living_allowance" in str(need["beneficiary_groups"])
