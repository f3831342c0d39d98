"""A blind rating stays blind: no KPI counts it and the audit log doesn't show its score until it is public."""

from factories import login, make_need, make_offer, make_world
from jinlin.audit.tables import AuditEvent
from jinlin.core import clock
from jinlin.matches.tables import Match


async def test_a_single_new_rating_is_neither_in_the_kpis_nor_in_the_audit_log(client):
    w = await make_world()
    need = await make_need("admin_a", w.orgs["comm_a"])
    offer = await make_offer("liaison", w.orgs["enterprise"])
    now = clock.now()
    match = Match(
        need_id=need.id,
        offer_id=offer.id,
        community_id=w.orgs["comm_a"]["id"],
        provider_id=w.orgs["enterprise"]["id"],
        quantity=1,
        status="completed",
        completed_at=now,
    )
    await match.save()
    admin = await login(client, "admin_a")
    r = await client.post(
        f"/api/v1/matches/{match.id}/ratings",
        headers=admin,
        json={"score": 1, "dimensions": {"timeliness": 1, "quality": 1, "communication": 1}},
    )
    assert r.status_code == 201, r.text
    kpis = (
        await client.get(
            "/api/v1/reports/kpis",
            headers=await login(client, "county"),
            params={"organization_id": w.orgs["comm_a"]["id"]},
        )
    ).json()
    assert kpis["satisfaction_rate"] is None
    events = await AuditEvent.select(AuditEvent.changes).where(AuditEvent.action == "rate")
    assert events and all("score" not in str(e["changes"]) for e in events)
