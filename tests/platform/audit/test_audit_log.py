from factories import login, make_world


async def test_county_admins_read_the_audit_log_filtered_by_object(client):
    w = await make_world()
    h = await login(client, "county")
    await client.patch(f"/api/v1/organizations/{w.orgs['village']['id']}", json={"name": "柳林新村"}, headers=h)
    page = (
        await client.get(
            f"/api/v1/audit-events?object_type=organization&object_id={w.orgs['village']['id']}", headers=h
        )
    ).json()
    assert page["total"] == 1
    event = page["items"][0]
    assert event["action"] == "update" and event["actor_name"] == "county"
    assert event["actor_id"] == w.accounts["county"]
    assert event["changes"] == {"name": ["柳林村", "柳林新村"]}


async def test_the_audit_log_filters_by_actor_and_action_and_pages(client):
    w = await make_world()
    h = await login(client, "county")
    by_actor = (
        await client.get(f"/api/v1/audit-events?actor_id={w.accounts['county']}&action=login", headers=h)
    ).json()
    assert by_actor["total"] == 1
    first = (await client.get("/api/v1/audit-events?limit=3", headers=h)).json()
    assert len(first["items"]) == 3 and first["next_cursor"] and first["total"] > 3


async def test_nobody_but_county_admins_reads_the_audit_log(client):
    await make_world()
    for username in ("street_east", "admin_a", "liaison"):
        r = await client.get("/api/v1/audit-events", headers=await login(client, username))
        assert r.status_code == 403, username
