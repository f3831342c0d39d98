import io

from openpyxl import Workbook, load_workbook

from factories import login, make_offer, make_world
from jinlin.offers.tables import Offer


async def test_the_offers_list_round_trips_through_excel(client):
    w = await make_world()
    await make_offer(
        "liaison",
        w.orgs["enterprise"],
        title="建材捐赠",
        category="materials",
        capacity=20,
        unit="袋",
        service_area_ids=[w.areas["comm_a"]["id"]],
        skills=["搬运"],
    )
    liaison = await login(client, "liaison")
    r = await client.get(
        "/api/v1/offers/export.xlsx", headers=liaison, params={"organization_id": w.orgs["enterprise"]["id"]}
    )
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[1][1:7] == ("建材捐赠", "物资", 20, "袋", 20, "社区A")
    r = await client.post("/api/v1/offers/import", headers=liaison, files={"file": ("offers.xlsx", r.content)})
    assert r.status_code == 201, r.text
    copy = await Offer.select().where(Offer.id == r.json()["ids"][0]).first()
    assert (copy["category"], copy["capacity"], copy["capacity_left"], copy["unit"]) == ("materials", 20, 20, "袋")


async def test_a_bad_offer_row_imports_nothing(client):
    await make_world()
    liaison = await login(client, "liaison")
    book = Workbook()
    for row in (["标题", "类别", "数量"], ["送餐", "助老服务", 5], ["借场地", "场地", -1]):
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    r = await client.post("/api/v1/offers/import", headers=liaison, files={"file": ("o.xlsx", buf.getvalue())})
    assert r.status_code == 400 and "row 3" in r.json()["error"]["fields"]
    assert await Offer.count() == 0
