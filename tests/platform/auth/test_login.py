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
