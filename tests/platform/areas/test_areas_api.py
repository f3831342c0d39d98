from factories import login, make_world
from jinlin.audit.tables import AuditEvent


async def _audit(action: str, area_id: int) -> dict | None:
    return (
        await AuditEvent.select()
        .where((AuditEvent.object_type == "area") & (AuditEvent.action == action) & (AuditEvent.object_id == area_id))
        .output(load_json=True)
        .first()
    )


async def test_creating_updating_and_deleting_an_area_each_leave_an_audit_row(client):
    w = await make_world()
    h = await login(client, "admin_a")
    created = await client.post(
        "/api/v1/areas", headers=h, json={"name": "网格A2", "level": "grid", "parent_id": w.areas["comm_a"]["id"]}
    )
    assert created.status_code == 201, created.text
    area_id = created.json()["id"]
    assert (await _audit("create", area_id))["actor_name"] == "admin_a"
    r = await client.patch(f"/api/v1/areas/{area_id}", headers=h, json={"population": 900})
    assert r.status_code == 200 and r.json()["population"] == 900
    assert (await _audit("update", area_id))["changes"] == {"population": [None, 900]}
    assert (await client.delete(f"/api/v1/areas/{area_id}", headers=h)).status_code == 204
    assert await _audit("delete", area_id) is not None


async def test_community_a_admin_cannot_change_community_b_areas(client):
    w = await make_world()
    h = await login(client, "admin_a")
    grid_b = w.areas["grid_b1"]["id"]
    assert (await client.patch(f"/api/v1/areas/{grid_b}", headers=h, json={"name": "x"})).status_code == 403
    assert (await client.delete(f"/api/v1/areas/{grid_b}", headers=h)).status_code == 403
    r = await client.post(
        "/api/v1/areas", headers=h, json={"name": "偷建网格", "level": "grid", "parent_id": w.areas["comm_b"]["id"]}
    )
    assert r.status_code == 403
    assert await AuditEvent.count().where(AuditEvent.object_type == "area") == 0


async def test_a_level_that_does_not_fit_the_parent_names_the_field(client):
    w = await make_world()
    r = await client.post(
        "/api/v1/areas",
        headers=await login(client, "county"),
        json={"name": "怪", "level": "building", "parent_id": w.areas["east"]["id"]},
    )
    assert r.status_code == 400 and "level" in r.json()["error"]["fields"]


async def test_an_area_with_children_is_not_deleted(client):
    w = await make_world()
    r = await client.delete(f"/api/v1/areas/{w.areas['comm_a']['id']}", headers=await login(client, "county"))
    assert r.status_code == 409
