"""A resident files a report without an account; it reaches the grid's posts or the community's queue."""

from factories import login
from jinlin.notifications.tables import Notification
from jinlin.resident_reports.tables import ReportContact, ResidentReport


async def _report(code):
    return await ResidentReport.select().where(ResidentReport.code == code).first()


async def test_an_anonymous_report_from_a_buildings_qr_reaches_that_grids_worker(client, world, file_report):
    page = await client.get(f"/report/{world.areas['building_a1']['id']}")
    assert page.status_code == 200 and "1号楼" in page.text
    code = await file_report(world.areas["building_a1"])
    report = await _report(code)
    assert (report["status"], report["queue"], report["grid"]) == ("submitted", "grid", world.areas["grid_a1"]["id"])
    notices = await Notification.select().where(Notification.account == world.accounts["grid_a"])
    assert [n["object_id"] for n in notices] == [report["id"]]
    headers = await login(client, "grid_a")
    waiting = (await client.get("/api/v1/resident-reports?status=submitted", headers=headers)).json()
    assert [r["code"] for r in waiting["items"]] == [code]
    tracked = (await client.get(f"/api/v1/resident-reports/track/{code}")).json()
    assert tracked["status"] == "submitted" and tracked["resolve_by"]


async def test_an_unstaffed_grids_report_reaches_the_community_queue(client, world, file_report):
    code = await file_report(world.areas["building_b1"])
    report = await _report(code)
    assert (report["queue"], report["level"]) == ("community", "community")
    notices = await Notification.select().where(Notification.organization == world.orgs["comm_b"]["id"])
    assert [n["object_id"] for n in notices] == [report["id"]]
    headers = await login(client, "admin_b")
    accepted = await client.post(f"/api/v1/resident-reports/{report['id']}/accept", headers=headers)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["owner_id"] == world.accounts["admin_b"]


async def test_a_report_without_consent_is_refused_and_nothing_is_stored(client, world):
    body = {
        "area_id": world.areas["building_a1"]["id"],
        "category": "safety",
        "description": "电线裸露",
        "consent": False,
        "phone": "13912345678",
    }
    response = await client.post("/api/v1/resident-reports", json=body)
    assert response.status_code == 400 and "consent" in response.json()["error"]["fields"]
    assert await ResidentReport.count() == 0 and await ReportContact.count() == 0


async def test_a_report_must_name_a_grid_compound_or_building(client, world):
    body = {"area_id": world.areas["comm_a"]["id"], "category": "safety", "description": "电线裸露", "consent": True}
    response = await client.post("/api/v1/resident-reports", json=body)
    assert response.status_code == 400 and "area_id" in response.json()["error"]["fields"]
    # The community's link offers its places to choose from instead.
    page = await client.get(f"/report/{world.areas['comm_a']['id']}")
    assert "1号楼" in page.text and 'name="area_id"' in page.text


async def test_a_near_duplicate_from_the_same_building_is_linked_not_counted_twice(client, world, file_report):
    first = await file_report(world.areas["building_a1"])
    second = await file_report(world.areas["building_a1"], description="楼道杂物还在")
    original, duplicate = await _report(first), await _report(second)
    assert duplicate["duplicate_of"] == original["id"] and duplicate["status"] == "merged"
    notices = await Notification.count().where(Notification.account == world.accounts["grid_a"])
    assert notices == 1
    headers = await login(client, "admin_a")
    kpis = (
        await client.get(f"/api/v1/resident-reports/kpis?area_id={world.areas['comm_a']['id']}", headers=headers)
    ).json()
    assert kpis["counts"]["received"] == 1
    # The second resident follows the original's progress with their own code.
    assert (await client.get(f"/api/v1/resident-reports/track/{second}")).json()["status"] == "submitted"


async def test_the_first_to_accept_owns_it_and_a_second_accept_is_refused(client, world, file_report):
    report = await _report(await file_report(world.areas["building_a1"]))
    grid = await login(client, "grid_a")
    staff = await login(client, "staff_a")
    assert (await client.post(f"/api/v1/resident-reports/{report['id']}/accept", headers=grid)).status_code == 200
    second = await client.post(f"/api/v1/resident-reports/{report['id']}/accept", headers=staff)
    assert second.status_code == 409
    assert (await _report(report["code"]))["owner"] == world.accounts["grid_a"]


async def test_a_resident_finds_the_report_again_by_typing_the_code(client, world, file_report):
    code = await file_report(world.areas["building_a1"])
    found = await client.get(f"/track?code={code.lower()}")
    assert found.status_code == 303 and found.headers["location"] == f"/track/{code}"
    page = await client.get(f"/track/{code}")
    assert page.status_code == 200 and code in page.text
    assert (await client.get("/track/NOSUCHCODE")).status_code == 404
