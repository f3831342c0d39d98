"""A unit's liaison corrects an offer on its edit page; a refused edit names the field and keeps the input."""

from factories import csrf_token, make_offer, make_world, page_login
from jinlin.offers.service import get_row, to_out


async def test_the_liaison_edits_the_offer_from_its_page(client):
    w = await make_world()
    offer = await make_offer("liaison", w.orgs["enterprise"], service_area_ids=[w.areas["comm_a"]["id"]])
    await page_login(client, "liaison")
    assert f'href="/offers/{offer.id}/edit"' in (await client.get(f"/offers/{offer.id}")).text
    form = (await client.get(f"/offers/{offer.id}/edit")).text
    assert 'value="志愿送餐"' in form and f'action="/offers/{offer.id}/edit"' in form
    token = await csrf_token(client, f"/offers/{offer.id}/edit")
    r = await client.post(
        f"/offers/{offer.id}/edit",
        data={
            "_csrf_token": token,
            "title": "周末送餐",
            "category": "elder_care",
            "capacity": "8",
            "unit": "人次",
            "skills": "驾驶，烹饪",
        },  # no service area ticked: serves everywhere now
    )
    assert r.status_code in (302, 303) and r.headers["location"] == f"/offers/{offer.id}"
    row = await get_row(offer.id)
    assert (row["title"], row["capacity"], row["capacity_left"]) == ("周末送餐", 8, 8)
    assert to_out(row).service_area_ids == [] and to_out(row).skills == ["驾驶", "烹饪"]
    page = (await client.get(f"/offers/{offer.id}")).text
    assert "周末送餐" in page and "驾驶" in page


async def test_a_refused_edit_names_the_field_keeps_the_input_and_changes_nothing(client):
    w = await make_world()
    offer = await make_offer("liaison", w.orgs["enterprise"])
    await page_login(client, "liaison")
    token = await csrf_token(client, f"/offers/{offer.id}/edit")
    r = await client.post(
        f"/offers/{offer.id}/edit",
        data={"_csrf_token": token, "title": "改过的标题", "category": "elder_care", "capacity": "0"},
    )
    assert r.status_code == 400 and 'data-field="capacity"' in r.text and "不能小于 1" in r.text
    assert 'value="改过的标题"' in r.text
    row = await get_row(offer.id)
    assert (row["title"], row["capacity"]) == ("志愿送餐", 5)


async def test_only_the_unit_s_own_liaison_sees_the_edit_link_or_opens_the_form(client):
    w = await make_world()
    offer = await make_offer("liaison", w.orgs["enterprise"])
    await page_login(client, "staff_a")
    assert f"/offers/{offer.id}/edit" not in (await client.get(f"/offers/{offer.id}")).text
    assert (await client.get(f"/offers/{offer.id}/edit")).status_code in (403, 404)
