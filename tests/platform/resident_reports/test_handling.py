"""Triage, resolve in the grid, turn into a need, transfer, the resident's rating and the one reopening."""

from datetime import timedelta

from factories import login
from jinlin.audit.tables import AuditEvent
from jinlin.catalog.tables import ColourPolicy
from jinlin.needs.tables import Need
from jinlin.notifications.tables import Notification
from jinlin.resident_reports.tables import ReportEvent, ResidentReport

API = "/api/v1/resident-reports"


async def _accepted(client, world, file_report, **kwargs):
    code = await file_report(world.areas["building_a1"], **kwargs)
    report = await ResidentReport.select().where(ResidentReport.code == code).first()
    headers = await login(client, "grid_a")
    response = await client.post(f"{API}/{report['id']}/accept", headers=headers)
    assert response.status_code == 200, response.text
    return code, response.json(), headers


async def test_triage_sets_the_colour_from_the_county_policy(client, world, file_report):
    await ColourPolicy.insert(
        ColourPolicy(
            county_id=world.areas["county"]["id"], matrix={"1,1": "red"}, red_respond_hours=5, red_resolve_hours=10
        )
    )
    _code, report, headers = await _accepted(client, world, file_report)
    assert report["colour"] == "yellow" and report["triaged"] is False  # the suggestion for environment
    response = await client.post(f"{API}/{report['id']}/triage", json={"urgency": 1, "importance": 1}, headers=headers)
    assert response.status_code == 200, response.text
    triaged = response.json()
    assert triaged["colour"] == "red" and triaged["triaged"] is True
    row = await ResidentReport.select().where(ResidentReport.id == report["id"]).first()
    assert row["resolve_by"] - row["round_started_at"] == timedelta(hours=10)
    # Half a triage is refused, naming the missing field.
    half = await client.post(f"{API}/{report['id']}/triage", json={"urgency": 2}, headers=headers)
    assert half.status_code == 400 and "importance" in half.json()["error"]["fields"]


async def test_the_owner_resolves_in_the_grid_and_the_resident_rates_it(client, world, file_report):
    code, report, headers = await _accepted(client, world, file_report)
    resolved = await client.post(f"{API}/{report['id']}/resolve", json={"note": "已清理楼道"}, headers=headers)
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    tracked = (await client.get(f"{API}/track/{code}")).json()
    assert tracked["can_rate"] and tracked["resolution_note"] == "已清理楼道" and tracked["handler"] == "grid_a"
    rated = await client.post(f"{API}/track/{code}/rating", json={"satisfaction": "satisfied", "comment": "很快"})
    assert rated.status_code == 200 and rated.json()["status"] == "closed"
    again = await client.post(f"{API}/track/{code}/rating", json={"satisfaction": "unsatisfied"})
    assert again.status_code == 409
    assert (await ResidentReport.select().where(ResidentReport.id == report["id"]).first())[
        "satisfaction"
    ] == "satisfied"


async def test_not_satisfied_reopens_it_once_with_a_new_deadline(client, world, file_report, frozen_clock):
    code, report, headers = await _accepted(client, world, file_report)
    await client.post(f"{API}/{report['id']}/resolve", json={"note": "已清理"}, headers=headers)
    first_deadline = (await ResidentReport.select().where(ResidentReport.id == report["id"]).first())["resolve_by"]
    frozen_clock.advance(hours=5)
    reopened = (await client.post(f"{API}/track/{code}/rating", json={"satisfaction": "unsatisfied"})).json()
    assert reopened["status"] == "accepted" and reopened["reopen_count"] == 1
    row = await ResidentReport.select().where(ResidentReport.id == report["id"]).first()
    assert row["resolve_by"] == first_deadline + timedelta(hours=5) and row["owner"] == world.accounts["grid_a"]
    assert await Notification.exists().where(
        (Notification.kind == "report_reopened") & (Notification.account == world.accounts["grid_a"])
    )
    await client.post(f"{API}/{report['id']}/resolve", json={"note": "又清理了一次"}, headers=headers)
    closed = (await client.post(f"{API}/track/{code}/rating", json={"satisfaction": "unsatisfied"})).json()
    assert closed["status"] == "closed" and closed["reopen_count"] == 1


async def test_turning_a_report_into_a_need_copies_no_personal_data(client, world, file_report):
    words = "我是王大爷，住1号楼302，电话13912345678，楼顶漏水需要维修队"
    code, report, headers = await _accepted(client, world, file_report, description=words, phone="13912345678")
    response = await client.post(
        f"{API}/{report['id']}/refer", json={"title": "1号楼楼顶防水维修", "category": "home_repair"}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "referred"
    need = await Need.select().where(Need.id == response.json()["need_id"]).first()
    assert need["community_id"] == world.orgs["comm_a"]["id"] and need["area_id"] == world.areas["building_a1"]["id"]
    assert need["title"] == "1号楼楼顶防水维修"
    for text in (need["title"], need["description"]):
        assert "13912345678" not in text and "王大爷" not in text and code not in text
    for n in await Notification.select():
        assert "13912345678" not in n["params"] + n["title"] and "王大爷" not in n["params"]
    for a in await AuditEvent.select().where(AuditEvent.object_type == "resident_report"):
        assert "13912345678" not in str(a["changes"]) and "王大爷" not in str(a["changes"]) + a["summary"]


async def test_a_transfer_needs_a_reason_and_someone_who_can_handle_it(client, world, file_report):
    _code, report, headers = await _accepted(client, world, file_report)
    no_reason = await client.post(
        f"{API}/{report['id']}/transfer", json={"account_id": world.accounts["staff_a"], "reason": ""}, headers=headers
    )
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["fields"]
    outsider = await client.post(
        f"{API}/{report['id']}/transfer",
        json={"account_id": world.accounts["liaison"], "reason": "不归我管"},
        headers=headers,
    )
    assert outsider.status_code == 400 and "account_id" in outsider.json()["error"]["fields"]
    assert (await ResidentReport.select().where(ResidentReport.id == report["id"]).first())["owner"] == world.accounts[
        "grid_a"
    ]
    moved = await client.post(
        f"{API}/{report['id']}/transfer",
        json={"account_id": world.accounts["staff_a"], "reason": "需要社区协调物业"},
        headers=headers,
    )
    assert moved.status_code == 200 and moved.json()["owner_id"] == world.accounts["staff_a"]
    event = (
        await ReportEvent.select()
        .where((ReportEvent.report == report["id"]) & (ReportEvent.kind == "transfer"))
        .first()
    )
    assert event["reason"] == "需要社区协调物业" and event["to_account"] == world.accounts["staff_a"]
    # The former owner no longer acts on it.
    late = await client.post(f"{API}/{report['id']}/resolve", json={"note": "已处理"}, headers=headers)
    assert late.status_code == 403


async def test_a_superior_chases_and_the_chase_is_counted(client, world, file_report):
    _code, report, _ = await _accepted(client, world, file_report)
    street = await login(client, "street_east")
    too_early = await client.post(f"{API}/{report['id']}/chase", json={}, headers=street)
    assert too_early.status_code == 403  # the street supervises only what escalated to it
    admin = await login(client, "admin_a")
    chased = await client.post(f"{API}/{report['id']}/chase", json={"note": "请尽快"}, headers=admin)
    assert chased.status_code == 200 and chased.json()["chase_count"] == 1
    assert await Notification.exists().where(
        (Notification.kind == "report_chased") & (Notification.account == world.accounts["grid_a"])
    )
