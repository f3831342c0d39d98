"""Abuse is contained (rate limits, photo checks) and residents' personal data stays with those whose duty
needs it (PIPL): masked in lists, hidden from others, each view audited."""

import io

from PIL import Image

from factories import csrf_token, login
from jinlin.audit.tables import AuditEvent
from jinlin.resident_reports import photos
from jinlin.resident_reports.tables import ReportContact, ReportPhoto, ResidentReport

API = "/api/v1/resident-reports"


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (640, 480), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (35.0, 7.0, 12.0), "E", (117.0, 13.0, 5.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


async def _submit(client, area, files, **fields):
    token = await csrf_token(client, f"/report/{area['id']}")
    data = {"_csrf_token": token, "category": "facilities", "description": "路灯坏了", "consent": "on", **fields}
    return await client.post(f"/report/{area['id']}", data=data, files=files)


async def test_a_twenty_megabyte_photo_is_refused_naming_the_field_and_nothing_is_stored(client, world):
    big = b"\xff\xd8\xff" + b"0" * (20 * 1024 * 1024)
    response = await _submit(client, world.areas["building_a1"], [("photos", ("big.jpg", big, "image/jpeg"))])
    assert response.status_code == 400
    assert 'data-field="photos"' in response.text and "路灯坏了" in response.text  # the input is kept
    assert await ResidentReport.count() == 0 and await ReportPhoto.count() == 0


async def test_a_file_that_is_not_an_image_is_refused(client, world):
    response = await _submit(
        client, world.areas["building_a1"], [("photos", ("photo.jpg", b"MZ\x90\x00 not a picture", "image/jpeg"))]
    )
    assert response.status_code == 400 and 'data-field="photos"' in response.text
    assert await ResidentReport.count() == 0


async def test_more_than_three_photos_are_refused(client, world):
    one = _jpeg_with_gps()
    files = [("photos", (f"p{i}.jpg", one, "image/jpeg")) for i in range(4)]
    response = await _submit(client, world.areas["building_a1"], files)
    assert response.status_code == 400 and 'data-field="photos"' in response.text


async def test_photos_are_re_encoded_without_exif_or_gps(client, world):
    original = _jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the test photo carries GPS
    response = await _submit(client, world.areas["building_a1"], [("photos", ("p.jpg", original, "image/jpeg"))])
    assert response.status_code == 303, response.text
    stored = await ReportPhoto.select().first()
    data = photos.read(stored["file_name"])
    assert data != original
    assert not Image.open(io.BytesIO(data)).getexif()
    headers = await login(client, "grid_a")
    served = await client.get(f"{API}/{stored['report']}/photos/{stored['id']}", headers=headers)
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert not Image.open(io.BytesIO(served.content)).getexif()


async def test_reports_are_rate_limited_per_address_and_per_phone(client, world):
    body = {
        "area_id": world.areas["building_a1"]["id"],
        "category": "other",
        "description": "噪音扰民",
        "consent": True,
        "phone": "13912345678",
    }
    for _ in range(3):
        assert (await client.post(API, json=body)).status_code == 201
    by_phone = await client.post(API, json=body)
    assert by_phone.status_code == 429 and "phone" in by_phone.json()["error"]["fields"]
    body.pop("phone")
    assert (await client.post(API, json=body)).status_code == 201
    by_address = await client.post(API, json=body)
    assert by_address.status_code == 429
    assert await ResidentReport.count() == 4


async def test_personal_data_is_hidden_from_a_unit_liaison_and_another_streets_admin(client, world, file_report):
    code = await file_report(world.areas["building_a1"], phone="13912345678")
    report = await ResidentReport.select().where(ResidentReport.code == code).first()
    for username in ("liaison", "street_west", "admin_c"):
        headers = await login(client, username)
        assert (await client.get(f"{API}/{report['id']}", headers=headers)).status_code == 404, username
        listed = (await client.get(API, headers=headers)).json()
        assert listed["items"] == [], username
    # The street's admin sees the report, without the resident's data; a community clerk likewise.
    for username in ("street_east", "staff_a"):
        seen = (await client.get(f"{API}/{report['id']}", headers=await login(client, username))).json()
        assert seen["phone"] is None and seen["photo_ids"] == [] and seen["description"], username
    assert not await AuditEvent.exists().where(AuditEvent.action == "view_personal_data")


async def test_the_grid_worker_sees_the_phone_masked_in_lists_and_whole_on_the_report_audited(
    client, world, file_report
):
    code = await file_report(world.areas["building_a1"], phone="13912345678")
    report = await ResidentReport.select().where(ResidentReport.code == code).first()
    headers = await login(client, "grid_a")
    listed = (await client.get(API, headers=headers)).json()
    assert listed["items"][0]["phone"] == "139****5678"
    assert not await AuditEvent.exists().where(AuditEvent.action == "view_personal_data")
    seen = (await client.get(f"{API}/{report['id']}", headers=headers)).json()
    assert seen["phone"] == "13912345678"
    views = await AuditEvent.select().where(AuditEvent.action == "view_personal_data")
    assert [(v["actor_id"], v["object_id"]) for v in views] == [(world.accounts["grid_a"], report["id"])]
    admin = (await client.get(f"{API}/{report['id']}", headers=await login(client, "admin_a"))).json()
    assert admin["phone"] == "13912345678"
    # The contact lives apart from the report body.
    assert "13912345678" not in str(report)
    assert (await ReportContact.select().first())["phone"] == "13912345678"
