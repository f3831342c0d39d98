from factories import login, make_world, page_login


async def test_the_audit_page_shows_actor_object_and_changed_fields(client):
    w = await make_world()
    h = await login(client, "county")
    await client.patch(f"/api/v1/organizations/{w.orgs['village']['id']}", json={"name": "柳林新村"}, headers=h)
    await page_login(client, "county")
    html = (await client.get("/audit?object_type=organization")).text
    # the object by its kind and name (a link), not "organization #8"
    assert "county" in html and f'组织\n        <a href="/organizations/{w.orgs["village"]["id"]}">柳林村</a>' in html
    assert "柳林村 → 柳林新村" in html


async def test_the_audit_page_is_for_county_admins_only(client):
    await make_world()
    await page_login(client, "street_east")
    assert (await client.get("/audit")).status_code == 403
