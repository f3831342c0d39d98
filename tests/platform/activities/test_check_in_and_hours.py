from datetime import timedelta

from factories import login, make_activity, make_volunteer, make_world
from jinlin.activities.tables import HoursRecord, Shift


async def _on_shift(client, frozen_clock, names=("v1",), hours=3, grace=30):
    w = await make_world()
    staff = await login(client, "staff_a")
    start = frozen_clock.now + timedelta(days=1)
    activity = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["comm_a"]["id"],
        [{"start": start, "end": start + timedelta(hours=hours), "slots": 5}],
        grace_minutes=grace,
    )
    shift = activity["shifts"][0]
    vols = {}
    for name in names:
        vid = await make_volunteer(name)
        h = await login(client, name)
        signup = (await client.post(f"/api/v1/shifts/{shift['id']}/signups", headers=h)).json()
        vols[name] = {"id": vid, "headers": h, "signup": signup}
    return w, staff, activity, shift, start, vols


async def test_check_in_with_a_wrong_code_is_refused(client, frozen_clock):
    _, _, _, shift, start, vols = await _on_shift(client, frozen_clock)
    frozen_clock.now = start
    wrong = "000000" if shift["checkin_code"] != "000000" else "111111"
    r = await client.post(f"/api/v1/shifts/{shift['id']}/check-in", json={"code": wrong}, headers=vols["v1"]["headers"])
    assert r.status_code == 400 and r.json()["error"]["code"] == "wrong_code"


async def test_check_in_outside_the_window_is_refused(client, frozen_clock):
    _, _, _, shift, start, vols = await _on_shift(client, frozen_clock, grace=30)
    h, code = vols["v1"]["headers"], {"code": shift["checkin_code"]}
    frozen_clock.now = start - timedelta(minutes=31)
    r = await client.post(f"/api/v1/shifts/{shift['id']}/check-in", json=code, headers=h)
    assert r.status_code == 409 and r.json()["error"]["code"] == "outside_window"
    frozen_clock.now = start + timedelta(hours=3, minutes=1)
    r = await client.post(f"/api/v1/shifts/{shift['id']}/check-in", json=code, headers=h)
    assert r.status_code == 409 and r.json()["error"]["code"] == "outside_window"
    frozen_clock.now = start - timedelta(minutes=29)  # inside the grace period
    r = await client.post(f"/api/v1/shifts/{shift['id']}/check-in", json=code, headers=h)
    assert r.status_code == 200 and r.json()["status"] == "checked_in"


async def test_checking_in_twice_is_refused(client, frozen_clock):
    _, _, _, shift, start, vols = await _on_shift(client, frozen_clock)
    frozen_clock.now = start
    h, code = vols["v1"]["headers"], {"code": shift["checkin_code"]}
    assert (await client.post(f"/api/v1/shifts/{shift['id']}/check-in", json=code, headers=h)).status_code == 200
    r = await client.post(f"/api/v1/shifts/{shift['id']}/check-in", json=code, headers=h)
    assert r.status_code == 409 and r.json()["error"]["fields"]["status"] == "checked_in"


async def test_someone_not_signed_up_cannot_check_in(client, frozen_clock):
    _, _, _, shift, start, _ = await _on_shift(client, frozen_clock)
    await make_volunteer("stranger")
    frozen_clock.now = start
    r = await client.post(
        f"/api/v1/shifts/{shift['id']}/check-in",
        json={"code": shift["checkin_code"]},
        headers=await login(client, "stranger"),
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_signed_up"


async def test_hours_come_from_check_in_and_out_clipped_to_the_shift(client, frozen_clock):
    _, _, _, shift, start, vols = await _on_shift(client, frozen_clock, hours=3)
    h, code = vols["v1"]["headers"], {"code": shift["checkin_code"]}
    frozen_clock.now = start - timedelta(minutes=20)  # early: counted from the start
    await client.post(f"/api/v1/shifts/{shift['id']}/check-in", json=code, headers=h)
    frozen_clock.now = start + timedelta(hours=2, minutes=30)
    r = await client.post(f"/api/v1/shifts/{shift['id']}/check-out", json=code, headers=h)
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "completed" and body["hours"] == 2.5 and body["verified"] is False


async def test_organiser_verifies_in_bulk_adjusts_with_a_reason_and_marks_no_shows(client, frozen_clock):
    _, staff, _, shift, start, vols = await _on_shift(client, frozen_clock, names=("v1", "v2", "v3", "v4"))
    code = {"code": shift["checkin_code"]}
    frozen_clock.now = start
    for name in ("v1", "v2", "v3"):
        await client.post(f"/api/v1/shifts/{shift['id']}/check-in", json=code, headers=vols[name]["headers"])
    frozen_clock.now = start + timedelta(hours=3)
    for name in ("v1", "v2"):
        await client.post(f"/api/v1/shifts/{shift['id']}/check-out", json=code, headers=vols[name]["headers"])
    # v3 forgot to check out; v4 never came.
    listing = (await client.get(f"/api/v1/shifts/{shift['id']}/signups", headers=staff)).json()
    assert {s["status"] for s in listing["items"]} == {"completed", "checked_in", "signed_up"}
    r = await client.post(
        f"/api/v1/shifts/{shift['id']}/no-shows", json={"signup_ids": [vols["v4"]["signup"]["id"]]}, headers=staff
    )
    assert r.status_code == 200 and r.json()[0]["status"] == "no_show"
    # An adjustment that changes the computed hours needs a reason.
    r = await client.post(
        f"/api/v1/shifts/{shift['id']}/verify",
        headers=staff,
        json={"all": True, "adjustments": [{"signup_id": vols["v2"]["signup"]["id"], "hours": 2}]},
    )
    assert r.status_code == 400
    r = await client.post(
        f"/api/v1/shifts/{shift['id']}/verify",
        headers=staff,
        json={
            "all": True,
            "adjustments": [
                {"signup_id": vols["v2"]["signup"]["id"], "hours": 2, "reason": "提前离开"},
                {"signup_id": vols["v3"]["signup"]["id"], "hours": 3, "reason": "忘记签退"},
            ],
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["verified"] == 3
    hours = {s["volunteer_name"]: s["hours"] for s in r.json()["signups"]}
    assert hours == {"v1": 3.0, "v2": 2.0, "v3": 3.0}
    # Verifying again changes nothing.
    again = await client.post(f"/api/v1/shifts/{shift['id']}/verify", headers=staff, json={"all": True})
    assert again.json()["verified"] == 0
    assert await HoursRecord.count().where(HoursRecord.kind == "recorded") == 3


async def test_a_volunteer_cannot_verify_or_take_attendance(client, frozen_clock):
    _, _, _, shift, start, vols = await _on_shift(client, frozen_clock)
    frozen_clock.now = start + timedelta(hours=1)
    r = await client.post(f"/api/v1/shifts/{shift['id']}/verify", json={"all": True}, headers=vols["v1"]["headers"])
    assert r.status_code == 403


async def test_recorded_and_honorary_hours_are_kept_apart_per_year(client, frozen_clock):
    _, staff, _, shift, start, vols = await _on_shift(client, frozen_clock, hours=2)
    code, h = {"code": shift["checkin_code"]}, vols["v1"]["headers"]
    frozen_clock.now = start
    await client.post(f"/api/v1/shifts/{shift['id']}/check-in", json=code, headers=h)
    frozen_clock.now = start + timedelta(hours=2)
    await client.post(f"/api/v1/shifts/{shift['id']}/check-out", json=code, headers=h)
    vid = vols["v1"]["id"]
    before = (await client.get(f"/api/v1/volunteers/{vid}/hours", headers=h)).json()
    assert before["recorded_hours"] == 0  # not verified yet
    await client.post(f"/api/v1/shifts/{shift['id']}/verify", json={"all": True}, headers=staff)
    admin = await login(client, "admin_a")
    r = await client.post(
        f"/api/v1/volunteers/{vid}/hours",
        headers=admin,
        json={"hours": 10, "reason": "抗疫表彰", "served_on": "2025-06-01T10:00:00+08:00"},
    )
    assert r.status_code == 201, r.text
    # A volunteer can't give themselves honorary hours.
    r = await client.post(f"/api/v1/volunteers/{vid}/hours", headers=h, json={"hours": 5, "reason": "x"})
    assert r.status_code == 403
    hours = (await client.get(f"/api/v1/volunteers/{vid}/hours", headers=h)).json()
    assert hours["recorded_hours"] == 2.0 and hours["honorary_hours"] == 10.0
    by_year = {y["year"]: y for y in hours["years"]}
    assert by_year[2026]["recorded_hours"] == 2.0 and by_year[2026]["honorary_hours"] == 0
    assert by_year[2025]["recorded_hours"] == 0 and by_year[2025]["honorary_hours"] == 10.0
    assert [r["kind"] for r in by_year[2026]["records"]] == ["recorded"]
    assert by_year[2026]["records"][0]["activity_title"] == "敬老院陪伴"


async def test_the_check_in_qr_code_is_an_svg_for_organisers_only(client, frozen_clock):
    _, staff, _, shift, _, vols = await _on_shift(client, frozen_clock)
    r = await client.get(f"/api/v1/shifts/{shift['id']}/qr.svg", headers=staff)
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in r.content
    assert (await client.get(f"/api/v1/shifts/{shift['id']}/qr.svg", headers=vols["v1"]["headers"])).status_code == 403


async def test_hours_export_to_xlsx_for_organisers(client, frozen_clock):
    import io

    from openpyxl import load_workbook

    w, staff, _, shift, start, vols = await _on_shift(client, frozen_clock)
    code, h = {"code": shift["checkin_code"]}, vols["v1"]["headers"]
    frozen_clock.now = start
    await client.post(f"/api/v1/shifts/{shift['id']}/check-in", json=code, headers=h)
    frozen_clock.now = start + timedelta(hours=1)
    await client.post(f"/api/v1/shifts/{shift['id']}/check-out", json=code, headers=h)
    await client.post(f"/api/v1/shifts/{shift['id']}/verify", json={"all": True}, headers=staff)
    r = await client.get(f"/api/v1/volunteers/hours.xlsx?organization_id={w.orgs['comm_a']['id']}", headers=staff)
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "志愿者" and rows[1][0] == "v1" and rows[1][5] == 1.0 and rows[1][4] == "积分时长"
    r = await client.get(f"/api/v1/volunteers/hours.xlsx?organization_id={w.orgs['comm_a']['id']}", headers=h)
    assert r.status_code == 403
    assert (await Shift.count()) == 1
