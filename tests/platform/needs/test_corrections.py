"""Staff correct a need: colour and deadlines by hand with a reason (audited), derived values previewed,
and nothing that live matches were made for changes under them."""

import json
from datetime import UTC, datetime

from factories import csrf_token, login, make_need, make_offer, make_world, page_login
from jinlin.audit.tables import AuditEvent
from jinlin.needs.tables import Need


async def test_setting_colour_and_deadline_by_hand_needs_a_reason_and_is_audited(client):
    w = await make_world()
    need = await make_need("staff_a", w.orgs["comm_a"], urgency=1, importance=1)
    await page_login(client, "staff_a")
    token = await csrf_token(client, f"/needs/{need.id}/edit")
    form = {
        "_csrf_token": token,
        "title": need.title,
        "quantity": need.quantity,
        "unit": need.unit,
        "item": "",
        "urgency": 1,
        "importance": 1,
        "colour": "red",
        "respond_by": "2026-12-01T09:30",
        "resolve_by": "2026-12-02T18:00",
        "reason": "",
        "description": "",
    }
    r = await client.post(f"/needs/{need.id}/edit", data=form)
    assert r.status_code == 400 and "人工设定分色或时限须填写原因" in r.text
    assert (await Need.select().where(Need.id == need.id).first())["colour"] == need.colour  # nothing changed
    r = await client.post(f"/needs/{need.id}/edit", data={**form, "reason": "独居老人家中漏水，需当天处理"})
    assert r.status_code in (302, 303), r.text[:300]
    row = await Need.select().where(Need.id == need.id).first()
    assert row["colour"] == "red" and row["colour_set"]
    assert row["respond_by"] == datetime(2026, 12, 1, 1, 30, tzinfo=UTC)  # typed in China time
    event = (
        await AuditEvent.select()
        .where((AuditEvent.object_type == "need") & (AuditEvent.action == "set_by_hand"))
        .first()
    )
    changes = json.loads(event["changes"]) if isinstance(event["changes"], str) else event["changes"]
    assert changes["reason"] == "独居老人家中漏水，需当天处理"


async def test_the_edit_page_previews_the_derived_colour_without_saving(client):
    w = await make_world()
    need = await make_need("staff_a", w.orgs["comm_a"], urgency=1, importance=1)
    await page_login(client, "staff_a")
    token = await csrf_token(client, f"/needs/{need.id}/edit")
    r = await client.post(
        f"/needs/{need.id}/edit",
        data={"_csrf_token": token, "_preview": "1", "urgency": 3, "importance": 3, "title": need.title},
    )
    assert r.status_code == 200 and "badge colour-red" in r.text.split('data-testid="derived"')[1][:200]
    assert (await Need.select().where(Need.id == need.id).first())["urgency"] == 1


async def test_what_live_matches_were_made_for_cannot_change_under_them(client):
    w = await make_world()
    need = await make_need("staff_a", w.orgs["comm_a"], quantity=5)
    offer = await make_offer("liaison", w.orgs["enterprise"], capacity=5)
    await client.post(
        "/api/v1/matches",
        headers=await login(client, "liaison"),
        json={"need_id": need.id, "offer_id": offer.id, "quantity": 2},
    )
    staff = await login(client, "staff_a")
    r = await client.patch(f"/api/v1/needs/{need.id}", headers=staff, json={"unit": "袋"})
    assert r.status_code == 409 and "unit" in r.json()["error"]["fields"]
    r = await client.patch(f"/api/v1/needs/{need.id}", headers=staff, json={"quantity": 1})
    assert r.status_code == 409  # below what the match reserved
    r = await client.patch(f"/api/v1/needs/{need.id}", headers=staff, json={"title": "更正后的标题", "quantity": 4})
    assert r.status_code == 200 and r.json()["quantity"] == 4
    assert (await Need.select().where(Need.id == need.id).first())["unit"] == "人次"


async def test_an_offer_keeps_its_unit_while_matches_are_live_but_its_title_may_change(client):
    w = await make_world()
    need = await make_need("staff_a", w.orgs["comm_a"], quantity=5)
    offer = await make_offer("liaison", w.orgs["enterprise"], capacity=5)
    liaison = await login(client, "liaison")
    await client.post(
        "/api/v1/matches", headers=liaison, json={"need_id": need.id, "offer_id": offer.id, "quantity": 2}
    )
    r = await client.patch(f"/api/v1/offers/{offer.id}", headers=liaison, json={"unit": "袋", "item": "沙袋"})
    assert r.status_code == 409 and set(r.json()["error"]["fields"]) == {"unit", "item"}
    r = await client.patch(f"/api/v1/offers/{offer.id}", headers=liaison, json={"title": "员工志愿送餐（周末）"})
    assert r.status_code == 200 and r.json()["unit"] == "人次"
