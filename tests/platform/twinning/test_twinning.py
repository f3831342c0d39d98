from datetime import timedelta

import pytest

from factories import login, make_org, make_world
from jinlin.audit.tables import AuditEvent
from jinlin.core import clock
from jinlin.needs.tables import Need
from jinlin.runs import service as runs
from jinlin.twinning import weakness
from jinlin.twinning.tables import Twinning


async def _profiles(client, w, headers):
    for key, body in {
        "comm_a": {
            "population": 8000,
            "grid_workers": 4,
            "funding_gap": 250000,
            "facility_gap": 0.5,
            "min_helpers": 1,
            "max_helpers": 1,
        },
        "comm_b": {
            "population": 5000,
            "grid_workers": 10,
            "funding_gap": 0,
            "facility_gap": 0.1,
            "min_helpers": 0,
            "max_helpers": 1,
        },
        "comm_c": {
            "population": 6000,
            "grid_workers": 3,
            "funding_gap": 400000,
            "facility_gap": 0.8,
            "min_helpers": 1,
            "max_helpers": 2,
        },
    }.items():
        r = await client.put(f"/api/v1/communities/{w.orgs[key]['id']}/profile", json=body, headers=headers)
        assert r.status_code == 200, r.text
    for key, body in {
        "enterprise": {"capacity": 1, "funding_strength": 0.9, "facility_strength": 0.6, "staff_strength": 0.2},
        "village": {"capacity": 1, "staff_strength": 0.8, "service_strength": 0.7, "facility_strength": 0.3},
    }.items():
        r = await client.put(f"/api/v1/helpers/{w.orgs[key]['id']}/profile", json=body, headers=headers)
        assert r.status_code == 200, r.text


def test_the_weakness_parts_follow_the_documented_formula():
    assert weakness.staff_load(8000, 4) == 1.0
    assert weakness.staff_load(5000, 10) == 0.0
    assert weakness.staff_load(1250, 1) == pytest.approx(0.5)
    assert weakness.staff_load(100, 0) == 1.0
    parts = weakness.parts(
        {"population": 1250, "grid_workers": 1, "funding_gap": 250000, "facility_gap": 0.4},
        {"unmet_needs": 0.5, "response_delay": 1.0},
    )
    assert parts == {
        "staff_load": 0.5,
        "funding_gap": 0.5,
        "facility_gap": 0.4,
        "unmet_needs": 0.5,
        "response_delay": 1.0,
    }
    assert weakness.index(parts) == pytest.approx(0.25 * 0.5 + 0.2 * 0.5 + 0.2 * 0.4 + 0.2 * 0.5 + 0.15)


async def test_a_community_profile_shows_its_weakness_index_with_needs_from_the_platform(client, frozen_clock):
    w = await make_world()
    headers = await login(client, "street_east")
    now = clock.now()
    await Need.insert(
        Need(
            community_id=w.orgs["comm_a"]["id"],
            area_id=w.areas["comm_a"]["id"],
            title="a",
            category="health",
            quantity=4,
            quantity_matched=1,
            colour="red",
            status="published",
            published_at=now - timedelta(days=3),
            responded_at=now - timedelta(days=3) + timedelta(hours=36),
        ),
    )
    r = await client.put(
        f"/api/v1/communities/{w.orgs['comm_a']['id']}/profile",
        json={"population": 8000, "grid_workers": 4, "funding_gap": 100000, "facility_gap": 0.25},
        headers=headers,
    )
    body = r.json()
    assert body["weakness"] == {
        "staff_load": 1.0,
        "funding_gap": 0.2,
        "facility_gap": 0.25,
        "unmet_needs": 0.75,
        "response_delay": 0.5,
    }
    assert body["weakness_index"] == pytest.approx(0.25 + 0.04 + 0.05 + 0.15 + 0.075)
    assert await AuditEvent.exists().where(AuditEvent.object_type == "community_profile")
    # Community admins read their own profile but cannot change it; other streets cannot see it.
    admin = await login(client, "admin_a")
    assert (await client.get(f"/api/v1/communities/{w.orgs['comm_a']['id']}/profile", headers=admin)).status_code == 200
    r = await client.put(
        f"/api/v1/communities/{w.orgs['comm_a']['id']}/profile",
        json={"population": 1, "grid_workers": 1},
        headers=admin,
    )
    assert r.status_code == 403
    west = await login(client, "street_west")
    assert (await client.get(f"/api/v1/communities/{w.orgs['comm_a']['id']}/profile", headers=west)).status_code == 404


async def test_a_twinning_run_proposes_pairs_that_staff_accept_and_end(client):
    w = await make_world()
    headers = await login(client, "county")
    await _profiles(client, w, headers)
    r = await client.post(
        "/api/v1/match-runs",
        json={"kind": "twinning", "area_id": w.areas["county"]["id"], "period": 2027},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    run = await runs.wait_for(r.json()["id"])
    assert run["status"] == "succeeded", run["error"]
    pairs = (await client.get(f"/api/v1/twinnings?run_id={run['id']}", headers=headers)).json()["items"]
    assert run["proposals"] == len(pairs) == 2
    by_community = {p["community_id"]: p for p in pairs}
    # The two weakest communities each get a helper: the enterprise's funding meets 社区C's gap or 社区A's.
    assert set(by_community) == {w.orgs["comm_a"]["id"], w.orgs["comm_c"]["id"]}
    assert all(p["reasons"] and p["status"] == "proposed" and p["period"] == 2027 for p in pairs)
    pid = pairs[0]["id"]
    r = await client.post(f"/api/v1/twinnings/{pid}/accept", headers=headers)
    assert r.status_code == 201 and r.json()["status"] == "active"
    assert (await client.post(f"/api/v1/twinnings/{pid}/accept", headers=headers)).status_code == 409
    # Both organisations see it.
    liaison = await login(client, "liaison" if pairs[0]["helper_id"] == w.orgs["enterprise"]["id"] else "liaison2")
    mine = (await client.get("/api/v1/twinnings?status=active", headers=liaison)).json()["items"]
    assert [t["id"] for t in mine] == [pid]
    r = await client.post(f"/api/v1/twinnings/{pid}/end", headers=headers)
    assert r.json()["status"] == "ended"
    assert await AuditEvent.count().where(AuditEvent.object_type == "twinning") == 2


async def test_an_existing_pair_that_is_still_good_is_kept(client):
    """Continuity: with two equally good helpers, the current one stays."""
    w = await make_world()
    headers = await login(client, "county")
    twin = await make_org("东方村", "village", w.areas["west"])
    for org in (w.orgs["village"], twin):
        r = await client.put(
            f"/api/v1/helpers/{org['id']}/profile",
            json={"capacity": 1, "staff_strength": 0.8, "funding_strength": 0.5},
            headers=headers,
        )
        assert r.status_code == 200
    r = await client.put(
        f"/api/v1/communities/{w.orgs['comm_c']['id']}/profile",
        json={"population": 6000, "grid_workers": 3, "funding_gap": 400000, "min_helpers": 1, "max_helpers": 1},
        headers=headers,
    )
    assert r.status_code == 200
    for current in (twin, w.orgs["village"]):  # whichever is current is kept, so it's not the id order
        await Twinning.delete(force=True)
        now = clock.now()
        await Twinning.insert(
            Twinning(
                helper_id=current["id"],
                community_id=w.orgs["comm_c"]["id"],
                period=2026,
                status="active",
                pair_key=f"2026:{current['id']}:c:manual",
                created_at=now,
                updated_at=now,
            )
        )
        r = await client.post(
            "/api/v1/match-runs",
            json={"kind": "twinning", "area_id": w.areas["west"]["id"], "period": 2027},
            headers=headers,
        )
        run = await runs.wait_for(r.json()["id"])
        proposed = await Twinning.select().where(Twinning.run_id == run["id"]).output(load_json=True)
        assert [(p["helper_id"], p["community_id"]) for p in proposed] == [(current["id"], w.orgs["comm_c"]["id"])]
        assert "continues a current pair" in proposed[0]["reasons"]


async def test_community_admins_cannot_start_twinning_runs(client):
    w = await make_world()
    headers = await login(client, "admin_a")
    r = await client.post(
        "/api/v1/match-runs", json={"kind": "twinning", "area_id": w.areas["comm_a"]["id"]}, headers=headers
    )
    assert r.status_code == 403
