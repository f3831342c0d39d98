"""Bad input gets a clear 4xx naming the field and changes nothing; nothing stored can cause a 5xx later."""

from factories import csrf_token, login
from jinlin.resident_reports.tables import ResidentReport

API = "/api/v1/resident-reports"


async def test_bad_report_fields_are_named_and_nothing_is_stored(client, world):
    good = {"area_id": world.areas["building_a1"]["id"], "category": "other", "description": "噪音", "consent": True}
    cases = {
        "description": {**good, "description": "a\x00b"},
        "category": {**good, "category": "ufo"},
        "phone": {**good, "phone": "12345"},
        "area_id": {**good, "area_id": 9223372036854775807},
    }
    for field, body in cases.items():
        response = await client.post(API, json=body)
        assert response.status_code == 400, (field, response.text)
        assert field in str(response.json()["error"]), field
    assert await ResidentReport.count() == 0


async def test_ids_and_codes_that_cannot_exist_answer_404(client, world):
    headers = await login(client, "grid_a")
    for path in (
        f"{API}/9223372036854775808",
        f"{API}/0",
        f"{API}/track/%00%00",
        f"{API}/track/{'Z' * 300}",
        "/report/9223372036854775808",
        "/report/999999",
        "/track/NOPE",
    ):
        response = await client.get(path, headers=headers)
        assert response.status_code in (400, 404), (path, response.status_code)


async def test_a_bad_rating_on_the_tracking_page_is_refused_with_the_page_kept(client, world, file_report):
    code = await file_report(world.areas["building_a1"])
    token = await csrf_token(client, f"/track/{code}")
    response = await client.post(f"/track/{code}/rating", data={"_csrf_token": token, "satisfaction": "meh"})
    assert response.status_code in (400, 409)
    assert (await ResidentReport.select().first())["satisfaction"] is None


async def test_a_staff_form_with_a_bad_account_names_the_field(client, world, file_report):
    from factories import page_login

    code = await file_report(world.areas["building_a1"])
    row = await ResidentReport.select().where(ResidentReport.code == code).first()
    await page_login(client, "grid_a")
    token = await csrf_token(client, f"/resident-reports/{row['id']}")
    await client.post(f"/resident-reports/{row['id']}/accept", data={"_csrf_token": token})
    response = await client.post(
        f"/resident-reports/{row['id']}/transfer", data={"_csrf_token": token, "account_id": "abc", "reason": "换人"}
    )
    assert response.status_code == 400 and 'data-field="account_id"' in response.text
    assert (await ResidentReport.select().first())["owner"] == world.accounts["grid_a"]


async def test_a_mistyped_phone_on_the_form_is_explained_in_chinese_and_the_input_kept(client, world):
    area = world.areas["building_a1"]
    token = await csrf_token(client, f"/report/{area['id']}")
    response = await client.post(
        f"/report/{area['id']}",
        data={"_csrf_token": token, "category": "parking", "description": "车位被占", "phone": "12ab", "consent": "on"},
    )
    assert response.status_code == 400
    assert "请填写手机号或带区号的座机号" in response.text and "车位被占" in response.text
    assert await ResidentReport.count() == 0
