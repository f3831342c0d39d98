"""A token stops working on the very next request after it is revoked, whichever connection serves it."""

from factories import PASSWORD, login, make_world


async def test_a_logged_out_token_is_refused_on_the_next_request_after_being_used(client):
    await make_world()
    h = await login(client, "staff_a")
    for _ in range(3):  # used on several requests just before: nothing remembered from them
        assert (await client.get("/api/v1/needs", headers=h)).status_code == 200
    assert (await client.post("/api/v1/auth/logout", headers=h)).status_code == 200
    assert (await client.get("/api/v1/needs", headers=h)).status_code == 401


async def test_a_password_change_ends_the_other_sessions_at_once(client):
    w = await make_world()
    phone = await login(client, "liaison2")
    laptop = await login(client, "liaison2")
    assert (await client.get("/api/v1/me", headers=phone)).status_code == 200
    me = w.accounts["liaison2"]
    r = await client.patch(
        f"/api/v1/accounts/{me}", headers=laptop, json={"password": "a-new-password", "current_password": PASSWORD}
    )
    assert r.status_code == 200
    assert (await client.get("/api/v1/me", headers=phone)).status_code == 401
    assert (await client.get("/api/v1/me", headers=laptop)).status_code == 200


async def test_a_deactivated_account_is_refused_at_once(client):
    w = await make_world()
    h = await login(client, "staff_a")
    admin = await login(client, "admin_a")
    assert (await client.get("/api/v1/me", headers=h)).status_code == 200
    r = await client.patch(f"/api/v1/accounts/{w.accounts['staff_a']}", headers=admin, json={"active": False})
    assert r.status_code == 200, r.text
    assert (await client.get("/api/v1/me", headers=h)).status_code == 401


async def test_a_role_taken_away_narrows_the_very_next_request(client):
    w = await make_world()
    h = await login(client, "staff_a")
    assert (await client.get("/api/v1/me", headers=h)).json()["memberships"]
    admin = await login(client, "county")
    r = await client.patch(f"/api/v1/accounts/{w.accounts['staff_a']}", headers=admin, json={"memberships": []})
    assert r.status_code == 200, r.text
    assert (await client.get("/api/v1/me", headers=h)).json()["memberships"] == []
