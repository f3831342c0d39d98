from factories import csrf_token, make_world, page_login
from jinlin.orgs.tables import Organization, Registration


async def test_a_community_page_lists_its_co_building_units_and_members(client):
    w = await make_world()
    await Registration.insert(
        Registration(
            community=w.orgs["comm_a"]["id"], kind="unit", organization=w.orgs["enterprise"]["id"], note="双报到"
        )
    )
    await page_login(client, "admin_a")
    html = (await client.get(f"/organizations/{w.orgs['comm_a']['id']}")).text
    assert 'data-testid="roster"' in html and "鑫源建材有限公司" in html
    assert "admin_a" in html and "grid_a" in html


async def test_another_communitys_page_is_not_found(client):
    w = await make_world()
    await page_login(client, "admin_a")
    assert (await client.get(f"/organizations/{w.orgs['comm_b']['id']}")).status_code == 404


async def test_a_liaison_registers_their_unit_from_its_page(client):
    w = await make_world()
    await page_login(client, "liaison")
    path = f"/organizations/{w.orgs['enterprise']['id']}"
    token = await csrf_token(client, path)
    r = await client.post(
        f"{path}/register", data={"_csrf_token": token, "community_id": str(w.orgs["comm_b"]["id"]), "note": "报到"}
    )
    assert r.status_code == 303, r.text
    assert await Registration.exists().where(
        (Registration.organization == w.orgs["enterprise"]["id"]) & (Registration.community == w.orgs["comm_b"]["id"])
    )
    assert "社区B居委会" in (await client.get(path)).text


async def test_the_list_filters_by_kind_and_masks_phones(client):
    await make_world()
    await page_login(client, "admin_a")
    html = (await client.get("/organizations?kind=village")).text
    assert "柳林村" in html and "鑫源" not in html
    assert "137****5678" in html and "13712345678" not in html


async def test_a_street_admin_creates_an_organisation_from_the_form(client):
    w = await make_world()
    await page_login(client, "street_east")
    token = await csrf_token(client, "/organizations/new")
    r = await client.post(
        "/organizations/new",
        data={
            "_csrf_token": token,
            "name": "东城超市",
            "kind": "enterprise",
            "area_id": str(w.areas["east"]["id"]),
            "contact_phone": "13500000000",
        },
    )
    assert r.status_code == 303, r.text
    assert await Organization.exists().where(Organization.name == "东城超市")
    bad = await client.post(
        "/organizations/new",
        data={"_csrf_token": token, "name": "", "kind": "enterprise", "area_id": str(w.areas["east"]["id"])},
    )
    assert bad.status_code == 400 and 'data-field="name"' in bad.text


async def test_a_teams_volunteers_are_listed_only_to_its_own_people_and_its_areas_staff(client):
    w = await make_world()  # the team is in east street; "volunteer" is its member, "leader" its leader
    path = f"/organizations/{w.orgs['team']['id']}"
    for who, sees in (("leader", True), ("street_east", True), ("county", True), ("admin_c", False)):
        client.cookies.clear()
        await page_login(client, who)
        html = (await client.get(path)).text
        assert "<li>leader " in html, who  # the office holders are listed to everyone who may see the team
        assert ('data-testid="members"' in html and "<li>volunteer " in html) is sees, who
