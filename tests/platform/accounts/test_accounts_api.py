from factories import PASSWORD, login, make_world
from jinlin.accounts.tables import Membership
from jinlin.audit.tables import AuditEvent


async def test_community_admin_creates_a_grid_worker_for_their_community(client):
    w = await make_world()
    h = await login(client, "admin_a")
    r = await client.post(
        "/api/v1/accounts",
        headers=h,
        json={
            "username": "grid_a2",
            "password": "long-enough-1",
            "display_name": "网格员 小李",
            "memberships": [{"organization_id": w.orgs["comm_a"]["id"], "role": "grid_worker"}],
        },
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["memberships"][0]["role"] == "grid_worker" and "password" not in body
    event = (
        await AuditEvent.select()
        .where((AuditEvent.object_type == "account") & (AuditEvent.object_id == body["id"]))
        .first()
    )
    assert event["action"] == "create" and event["actor_name"] == "admin_a"
    assert "long-enough-1" not in str(event)
    await login(client, "grid_a2", "long-enough-1")


async def test_community_admin_cannot_create_staff_for_another_community_or_another_admin(client):
    w = await make_world()
    h = await login(client, "admin_a")
    for org, role in (("comm_b", "grid_worker"), ("comm_a", "community_admin"), ("enterprise", "unit_liaison")):
        r = await client.post(
            "/api/v1/accounts",
            headers=h,
            json={
                "username": f"x_{org}_{role}",
                "password": "long-enough-1",
                "memberships": [{"organization_id": w.orgs[org]["id"], "role": role}],
            },
        )
        assert r.status_code == 403, (org, role, r.text)


async def test_community_a_admin_cannot_read_or_change_community_b_accounts(client):
    w = await make_world()
    h = await login(client, "admin_a")
    admin_b = w.accounts["admin_b"]
    assert (await client.get(f"/api/v1/accounts/{admin_b}", headers=h)).status_code == 404
    r = await client.patch(f"/api/v1/accounts/{admin_b}", json={"display_name": "x"}, headers=h)
    assert r.status_code in (403, 404)
    listed = {a["username"] for a in (await client.get("/api/v1/accounts", headers=h)).json()["items"]}
    assert listed == {"admin_a", "staff_a", "grid_a"}


async def test_a_unit_liaison_adds_a_liaison_to_their_own_unit_only(client):
    w = await make_world()
    h = await login(client, "liaison")
    ok = await client.post(
        "/api/v1/accounts",
        headers=h,
        json={
            "username": "liaison_b",
            "password": "long-enough-1",
            "memberships": [{"organization_id": w.orgs["enterprise"]["id"], "role": "unit_liaison"}],
        },
    )
    assert ok.status_code == 201
    other = await client.post(
        "/api/v1/accounts",
        headers=h,
        json={
            "username": "liaison_c",
            "password": "long-enough-1",
            "memberships": [{"organization_id": w.orgs["village"]["id"], "role": "unit_liaison"}],
        },
    )
    assert other.status_code == 403
    assert (await client.get(f"/api/v1/accounts/{w.accounts['liaison2']}", headers=h)).status_code == 404


async def test_street_admin_sees_the_accounts_of_their_street_and_not_the_other(client):
    w = await make_world()
    h = await login(client, "street_east")
    listed = {a["username"] for a in (await client.get("/api/v1/accounts?limit=200", headers=h)).json()["items"]}
    assert {"admin_a", "admin_b", "liaison", "street_east"} <= listed
    assert not {"admin_c", "liaison2", "county", "street_west"} & listed
    role_filtered = (await client.get("/api/v1/accounts?role=community_admin", headers=h)).json()
    assert {a["username"] for a in role_filtered["items"]} == {"admin_a", "admin_b"}
    assert (await client.get(f"/api/v1/accounts/{w.accounts['admin_c']}", headers=h)).status_code == 404


async def test_a_role_that_does_not_fit_the_organisation_is_refused(client):
    w = await make_world()
    h = await login(client, "county")
    r = await client.post(
        "/api/v1/accounts",
        headers=h,
        json={
            "username": "odd",
            "password": "long-enough-1",
            "memberships": [{"organization_id": w.orgs["enterprise"]["id"], "role": "grid_worker"}],
        },
    )
    assert r.status_code == 400
    assert any("role" in k for k in r.json()["error"]["fields"])


async def test_a_taken_username_is_a_conflict(client):
    w = await make_world()
    r = await client.post(
        "/api/v1/accounts",
        headers=await login(client, "county"),
        json={
            "username": "admin_a",
            "password": "long-enough-1",
            "memberships": [{"organization_id": w.orgs["comm_a"]["id"], "role": "grid_worker"}],
        },
    )
    assert r.status_code == 409


async def test_users_change_their_own_name_language_and_password(client):
    w = await make_world()
    h = await login(client, "liaison2")
    me = w.accounts["liaison2"]
    r = await client.patch(f"/api/v1/accounts/{me}", headers=h, json={"display_name": "刘联络", "locale": "en"})
    assert r.status_code == 200 and r.json()["display_name"] == "刘联络" and r.json()["locale"] == "en"
    wrong = await client.patch(
        f"/api/v1/accounts/{me}", headers=h, json={"password": "a-new-password", "current_password": "nope"}
    )
    assert wrong.status_code == 400 and "current_password" in wrong.json()["error"]["fields"]
    ok = await client.patch(
        f"/api/v1/accounts/{me}", headers=h, json={"password": "a-new-password", "current_password": PASSWORD}
    )
    assert ok.status_code == 200
    await login(client, "liaison2", "a-new-password")
    event = (
        await AuditEvent.select()
        .where((AuditEvent.object_type == "account") & (AuditEvent.object_id == me) & (AuditEvent.action == "update"))
        .output(load_json=True)
        .first()
    )
    assert event["changes"]["display_name"] == ["liaison2", "刘联络"]


async def test_users_cannot_give_themselves_roles(client):
    w = await make_world()
    h = await login(client, "staff_a")
    r = await client.patch(
        f"/api/v1/accounts/{w.accounts['staff_a']}",
        headers=h,
        json={"memberships": [{"organization_id": w.orgs["comm_a"]["id"], "role": "community_admin"}]},
    )
    assert r.status_code == 403


async def test_community_admin_moves_a_grid_worker_to_staff_and_it_is_audited(client):
    w = await make_world()
    h = await login(client, "admin_a")
    grid = w.accounts["grid_a"]
    r = await client.patch(
        f"/api/v1/accounts/{grid}",
        headers=h,
        json={"memberships": [{"organization_id": w.orgs["comm_a"]["id"], "role": "community_staff"}]},
    )
    assert r.status_code == 200, r.text
    assert [m["role"] for m in r.json()["memberships"]] == ["community_staff"]
    event = (
        await AuditEvent.select()
        .where((AuditEvent.object_type == "account") & (AuditEvent.object_id == grid) & (AuditEvent.action == "update"))
        .first()
    )
    assert event is not None


async def test_taking_away_every_role_answers_the_account_as_left_then_it_is_out_of_sight(client):
    w = await make_world()
    h = await login(client, "admin_a")
    grid = w.accounts["grid_a"]
    r = await client.patch(f"/api/v1/accounts/{grid}", headers=h, json={"memberships": []})
    assert r.status_code == 200, r.text
    assert r.json()["id"] == grid and r.json()["memberships"] == []
    assert not await Membership.exists().where(Membership.account == grid)
    assert (await client.get(f"/api/v1/accounts/{grid}", headers=h)).status_code == 404


async def test_a_deactivated_account_can_no_longer_use_its_token(client):
    w = await make_world()
    grid_headers = await login(client, "grid_a")
    r = await client.patch(
        f"/api/v1/accounts/{w.accounts['grid_a']}", headers=await login(client, "admin_a"), json={"active": False}
    )
    assert r.status_code == 200 and r.json()["active"] is False
    assert (await client.get("/api/v1/me", headers=grid_headers)).status_code == 401


async def test_an_accounts_phone_is_shown_in_full_to_itself_and_its_managers(client):
    w = await make_world()
    volunteer = w.accounts["volunteer"]
    own = (await client.get(f"/api/v1/accounts/{volunteer}", headers=await login(client, "volunteer"))).json()
    assert own["phone"] == "13666667777"
    county = (await client.get(f"/api/v1/accounts/{volunteer}", headers=await login(client, "county"))).json()
    assert county["phone"] == "13666667777"
