"""Page forms decode into the API's own Structs: bad input re-displays the form with the field marked in
Chinese and what was typed kept; browser date-times are China time."""

from datetime import UTC, datetime

from factories import csrf_token, make_world, page_login
from jinlin.core.forms import convert_form
from jinlin.offers.schemas import OfferIn
from jinlin.offers.tables import Offer


async def test_letters_in_a_list_of_area_ids_mark_the_field_and_keep_the_input(client):
    w = await make_world()
    await page_login(client, "liaison")
    token = await csrf_token(client, "/offers/new")
    r = await client.post(
        "/offers/new",
        data={
            "_csrf_token": token,
            "organization_id": str(w.orgs["enterprise"]["id"]),
            "title": "上门维修",
            "category": "home_repair",
            "capacity": "3",
            "service_area_ids": "abc",
            "skills": "电工，水管",
        },
    )
    assert r.status_code == 400
    assert 'data-field="service_area_ids"' in r.text and "须为整数" in r.text
    assert 'value="上门维修"' in r.text and "电工，水管" in r.text
    assert await Offer.count() == 0


async def test_an_out_of_range_number_is_named_in_chinese(client):
    w = await make_world()
    await page_login(client, "liaison")
    token = await csrf_token(client, "/offers/new")
    r = await client.post(
        "/offers/new",
        data={
            "_csrf_token": token,
            "organization_id": str(w.orgs["enterprise"]["id"]),
            "title": "上门维修",
            "category": "home_repair",
            "capacity": "0",
        },
    )
    assert r.status_code == 400 and 'data-field="capacity"' in r.text and "不能小于 1" in r.text


async def test_a_datetime_local_value_is_read_in_china_time():
    offer = convert_form(
        {
            "organization_id": "1",
            "title": "t",
            "category": "other",
            "capacity": "1",
            "available_from": "2026-12-01T09:30",
        },
        OfferIn,
    )
    assert offer.available_from == datetime(2026, 12, 1, 1, 30, tzinfo=UTC)


async def test_a_far_future_date_from_a_form_is_refused_naming_the_field(client):
    w = await make_world()
    await page_login(client, "liaison")
    token = await csrf_token(client, "/offers/new")
    r = await client.post(
        "/offers/new",
        data={
            "_csrf_token": token,
            "organization_id": str(w.orgs["enterprise"]["id"]),
            "title": "上门维修",
            "category": "home_repair",
            "capacity": "2",
            "available_until": "9999-12-31T00:00",
        },
    )
    assert r.status_code == 400 and 'data-field="available_until"' in r.text and "2099" in r.text
    assert await Offer.count() == 0
