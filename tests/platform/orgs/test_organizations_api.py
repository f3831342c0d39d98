from factories import login, make_world
from jinlin.audit.tables import AuditEvent


async def test_county_admin_lists_every_organisation_and_filters_by_kind_and_subtree(client):
    w = await make_world()
    h = await login(client, "county")
    everything = (await client.get("/api/v1/organizations", headers=h)).json()
    assert everything["total"] == len(w.orgs)
    communities = (await client.get("/api/v1/organizations?kind=community", headers=h)).json()
    assert {o["name"] for o in communities["items"]} == {"社区A居委会", "社区B居委会", "社区C居委会"}
    east = (await client.get(f"/api/v1/organizations?area_id={w.areas['east']['id']}", headers=h)).json()
    assert w.orgs["comm_c"]["id"] not in {o["id"] for o in east["items"]}
    assert w.orgs["comm_a"]["id"] in {o["id"] for o in east["items"]}
    found = (await client.get("/api/v1/organizations?q=鑫源", headers=h)).json()
    assert [o["id"] for o in found["items"]] == [w.orgs["enterprise"]["id"]]


async def test_the_list_pages_with_a_cursor(client):
    await make_world()
    h = await login(client, "county")
    first = (await client.get("/api/v1/organizations?limit=4", headers=h)).json()
    assert len(first["items"]) == 4 and first["next_cursor"]
    second = (await client.get(f"/api/v1/organizations?limit=4&cursor={first['next_cursor']}", headers=h)).json()
    assert not {o["id"] for o in first["items"]} & {o["id"] for o in second["items"]}


async def test_community_staff_see_their_community_and_all_units_but_not_another_community(client):
    w = await make_world()
    h = await login(client, "staff_a")
    ids = {o["id"] for o in (await client.get("/api/v1/organizations", headers=h)).json()["items"]}
    assert w.orgs["comm_a"]["id"] in ids
    assert {w.orgs["enterprise"]["id"], w.orgs["village"]["id"], w.orgs["team"]["id"]} <= ids
    assert w.orgs["comm_b"]["id"] not in ids and w.orgs["east"]["id"] not in ids


async def test_community_a_admin_cannot_read_or_change_community_b(client):
    w = await make_world()
    h = await login(client, "admin_a")
    b = w.orgs["comm_b"]["id"]
    assert (await client.get(f"/api/v1/organizations/{b}", headers=h)).status_code == 404
    r = await client.patch(f"/api/v1/organizations/{b}", json={"name": "改名"}, headers=h)
    assert r.status_code in (403, 404)
    assert (await client.get(f"/api/v1/organizations/{b}/registrations", headers=h)).status_code == 404
    r = await client.post(
        "/api/v1/organizations",
        headers=h,
        json={"name": "新单位", "kind": "enterprise", "area_id": w.areas["comm_b"]["id"]},
    )
    assert r.status_code == 403


async def test_community_admin_edits_their_own_community(client):
    w = await make_world()
    h = await login(client, "admin_a")
    r = await client.patch(
        f"/api/v1/organizations/{w.orgs['comm_a']['id']}", json={"contact_name": "王书记"}, headers=h
    )
    assert r.status_code == 200, r.text
    assert r.json()["contact_name"] == "王书记"


async def test_a_unit_liaison_edits_only_their_own_unit(client):
    w = await make_world()
    h = await login(client, "liaison")
    own = await client.patch(
        f"/api/v1/organizations/{w.orgs['enterprise']['id']}", json={"description": "建材"}, headers=h
    )
    assert own.status_code == 200
    other = await client.patch(f"/api/v1/organizations/{w.orgs['village']['id']}", json={"description": "x"}, headers=h)
    assert other.status_code in (403, 404)
    assert (await client.get(f"/api/v1/organizations/{w.orgs['village']['id']}", headers=h)).status_code == 404


async def test_street_admin_creates_a_unit_in_their_street_and_not_in_another(client):
    w = await make_world()
    h = await login(client, "street_east")
    r = await client.post(
        "/api/v1/organizations",
        headers=h,
        json={
            "name": "东城物流",
            "kind": "enterprise",
            "area_id": w.areas["east"]["id"],
            "contact_phone": "13500001234",
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["contact_phone"] == "13500001234"
    event = (
        await AuditEvent.select()
        .where((AuditEvent.object_type == "organization") & (AuditEvent.object_id == r.json()["id"]))
        .first()
    )
    assert event["action"] == "create" and event["actor_name"] == "street_east"
    r = await client.post(
        "/api/v1/organizations",
        headers=h,
        json={"name": "西城物流", "kind": "enterprise", "area_id": w.areas["west"]["id"]},
    )
    assert r.status_code == 403


async def test_an_organisation_update_is_audited_with_the_changed_fields(client):
    w = await make_world()
    h = await login(client, "county")
    org_id = w.orgs["village"]["id"]
    await client.patch(f"/api/v1/organizations/{org_id}", json={"name": "柳林新村"}, headers=h)
    event = (
        await AuditEvent.select()
        .where((AuditEvent.object_type == "organization") & (AuditEvent.action == "update"))
        .output(load_json=True)
        .first()
    )
    assert event["object_id"] == org_id
    assert event["changes"] == {"name": ["柳林村", "柳林新村"]}


async def test_unknown_fields_and_bad_kinds_are_refused_with_the_field_named(client):
    w = await make_world()
    h = await login(client, "county")
    r = await client.post(
        "/api/v1/organizations", headers=h, json={"name": "x", "kind": "club", "area_id": w.areas["east"]["id"]}
    )
    assert r.status_code == 400
    assert "kind" in r.json()["error"]["fields"]
