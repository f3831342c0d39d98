from factories import login, make_world


async def test_login_returns_a_token_that_opens_me(client):
    await make_world()
    headers = await login(client, "admin_a")
    me = (await client.get("/api/v1/me", headers=headers)).json()
    assert me["username"] == "admin_a"
    assert me["memberships"][0]["role"] == "community_admin"


async def test_wrong_password_is_refused_with_the_envelope(client):
    await make_world()
    response = await client.post("/api/v1/auth/login", json={"username": "admin_a", "password": "nope-nope"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


async def test_logout_ends_the_token(client):
    await make_world()
    headers = await login(client, "admin_a")
    assert (await client.post("/api/v1/auth/logout", headers=headers)).status_code == 200
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401


async def test_repeated_failures_are_rate_limited_even_with_the_right_password(client):
    await make_world()
    for _ in range(5):
        r = await client.post("/api/v1/auth/login", json={"username": "admin_b", "password": "wrong-password"})
        assert r.status_code == 401
    r = await client.post("/api/v1/auth/login", json={"username": "admin_b", "password": "correct-horse-1"})
    assert r.status_code == 429
    # Another account from the same address is not yet blocked.
    assert (
        await client.post("/api/v1/auth/login", json={"username": "admin_a", "password": "correct-horse-1"})
    ).status_code == 200


async def test_a_malformed_body_names_the_field(client):
    r = await client.post("/api/v1/auth/login", json={"username": "x", "password": 5})
    assert r.status_code == 400
    assert "password" in r.json()["error"]["fields"]


async def test_an_account_with_a_one_time_password_may_only_change_it_read_itself_or_leave_over_the_api(client):
    from factories import PASSWORD
    from jinlin.accounts.tables import Account
    from jinlin.needs.tables import Need

    w = await make_world()
    me = w.accounts["admin_a"]
    await Account.update({Account.must_change_password: True}).where(Account.id == me)  # as a bulk import leaves it
    h = await login(client, "admin_a")
    before = await Need.count()
    for method, path, body in (
        ("GET", "/api/v1/needs", None),
        ("POST", "/api/v1/needs", {"title": "x", "category": "health", "quantity": 1}),
        ("PATCH", f"/api/v1/accounts/{w.accounts['staff_a']}", {"display_name": "改名"}),
    ):
        r = await client.request(method, path, headers=h, json=body)
        assert r.status_code == 403 and r.json()["error"]["code"] == "password_change_required", (path, r.text)
    assert await Need.count() == before
    assert (await client.get("/api/v1/me", headers=h)).json()["username"] == "admin_a"
    assert (await client.get("/api/v1/auth/me", headers=h)).status_code == 200
    r = await client.patch(
        f"/api/v1/accounts/{me}", headers=h, json={"password": "my-own-password-1", "current_password": PASSWORD}
    )
    assert r.status_code == 200, r.text
    assert (await client.get("/api/v1/needs", headers=h)).status_code == 200  # free again
    await Account.update({Account.must_change_password: True}).where(Account.id == me)
    assert (await client.post("/api/v1/auth/logout", headers=h)).status_code == 200
