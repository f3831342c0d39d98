from datetime import timedelta

from factories import login, make_world
from jinlin.audit.tables import AuditEvent
from jinlin.core import clock
from jinlin.matches.tables import Match
from jinlin.needs.tables import Need
from jinlin.notifications.tables import Notification


async def _need(w, quantity=5):
    now = clock.now()
    need = Need(
        community_id=w.orgs["comm_a"]["id"],
        area_id=w.areas["grid_a1"]["id"],
        title="防汛沙袋",
        category="materials",
        quantity=quantity,
        unit="袋",
        colour="red",
        status="published",
        published_at=now,
        created_at=now,
        updated_at=now,
    )
    await need.save()
    return need.id


async def _call(client, w, headers, need_id, **extra):
    body = {
        "issuer_id": w.orgs["comm_a"]["id"],
        "title": "防汛物资号召",
        "categories": ["materials"],
        "quantity": 5,
        "unit": "袋",
        "need_ids": [need_id],
        "respond_by": (clock.now() + timedelta(days=1)).isoformat(),
        **extra,
    }
    r = await client.post("/api/v1/calls", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


async def test_a_call_with_pledges_is_turned_into_matches_and_closed(client, frozen_clock):
    w = await make_world()
    need_id = await _need(w)
    staff = await login(client, "staff_a")
    call = await _call(client, w, staff, need_id, unit_kinds=["enterprise", "volunteer_team", "village"])
    assert call["status"] == "open"
    # Called units are notified and see it; the team (not called) does not.
    assert await Notification.exists().where(
        (Notification.kind == "call_issued") & (Notification.organization == w.orgs["enterprise"]["id"])
    )
    liaison = await login(client, "liaison")
    assert [c["id"] for c in (await client.get("/api/v1/calls?status=open", headers=liaison)).json()["items"]] == [
        call["id"]
    ]
    # The village lies in the other street: not called.
    liaison2 = await login(client, "liaison2")
    assert (await client.get("/api/v1/calls", headers=liaison2)).json()["items"] == []
    assert (await client.get(f"/api/v1/calls/{call['id']}", headers=liaison2)).status_code == 404

    frozen_clock.advance(hours=2)
    r = await client.post(
        f"/api/v1/calls/{call['id']}/responses",
        json={"organization_id": w.orgs["enterprise"]["id"], "quantity": 3, "note": "明早送到"},
        headers=liaison,
    )
    assert r.status_code == 201, r.text
    pledge = r.json()
    assert pledge["delay_s"] == 7200 and pledge["status"] == "pledged"
    again = await client.post(
        f"/api/v1/calls/{call['id']}/responses",
        json={"organization_id": w.orgs["enterprise"]["id"], "quantity": 1},
        headers=liaison,
    )
    assert again.status_code == 409
    leader = await login(client, "leader")
    r = await client.post(
        f"/api/v1/calls/{call['id']}/responses",
        json={"organization_id": w.orgs["team"]["id"], "quantity": 2},
        headers=leader,
    )
    assert r.status_code == 201
    seen = (await client.get(f"/api/v1/calls/{call['id']}", headers=staff)).json()
    assert seen["quantity_pledged"] == 5 and len(seen["responses"]) == 2
    # A unit sees only its own pledge.
    assert len((await client.get(f"/api/v1/calls/{call['id']}", headers=liaison)).json()["responses"]) == 1

    r = await client.post(
        f"/api/v1/calls/{call['id']}/responses/{pledge['id']}/match",
        json={"need_id": need_id, "quantity": 3},
        headers=staff,
    )
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "matched" and len(r.json()["match_ids"]) == 1
    match = await Match.select().where(Match.id == r.json()["match_ids"][0]).first()
    assert (match["source"], match["status"], match["quantity"], match["need_id"]) == (
        "call",
        "accepted",
        3,
        need_id,
    )  # both sides: pledged, and matched by the community
    assert match["provider_id"] == w.orgs["enterprise"]["id"]
    over = await client.post(
        f"/api/v1/calls/{call['id']}/responses/{pledge['id']}/match",
        json={"need_id": need_id, "quantity": 1},
        headers=staff,
    )
    assert over.status_code == 409
    # Units cannot close; the issuer can, once.
    assert (await client.post(f"/api/v1/calls/{call['id']}/close", headers=liaison)).status_code in (403, 404)
    r = await client.post(f"/api/v1/calls/{call['id']}/close", headers=staff)
    assert r.status_code == 201 and r.json()["status"] == "closed"
    assert (await client.post(f"/api/v1/calls/{call['id']}/close", headers=staff)).status_code == 409
    late = await client.post(
        f"/api/v1/calls/{call['id']}/responses",
        json={"organization_id": w.orgs["enterprise"]["id"], "quantity": 1},
        headers=liaison,
    )
    assert late.status_code == 409
    actions = {
        r["action"]
        for r in await AuditEvent.select(AuditEvent.action).where(
            AuditEvent.object_type.is_in(["call", "call_response"])
        )
    }
    assert actions == {"create", "respond", "match", "close"}


async def test_only_the_issuers_staff_issue_calls(client):
    w = await make_world()
    need_id = await _need(w)
    admin_b = await login(client, "admin_b")
    body = {"issuer_id": w.orgs["comm_a"]["id"], "title": "x", "categories": ["materials"], "quantity": 1}
    assert (await client.post("/api/v1/calls", json=body, headers=admin_b)).status_code == 403
    liaison = await login(client, "liaison")
    body["issuer_id"] = w.orgs["enterprise"]["id"]
    # A unit's liaison issues no calls at all: refused for who they are before what they chose.
    assert (await client.post("/api/v1/calls", json=body, headers=liaison)).status_code == 403
    # Needs of another community cannot be attached.
    staff_b = await login(client, "admin_b")
    body = {
        "issuer_id": w.orgs["comm_b"]["id"],
        "title": "x",
        "categories": ["materials"],
        "quantity": 1,
        "need_ids": [need_id],
    }
    r = await client.post("/api/v1/calls", json=body, headers=staff_b)
    assert r.status_code == 400 and "need_ids" in r.json()["error"]["fields"]
