from factories import csrf_token, make_world, page_login
from jinlin.accounts.tables import Account, Membership


async def test_a_community_admin_creates_a_grid_worker_from_the_form(client):
    w = await make_world()
    await page_login(client, "admin_a")
    token = await csrf_token(client, "/accounts/new")
    r = await client.post(
        "/accounts/new",
        data={
            "_csrf_token": token,
            "username": "grid_new",
            "password": "long-enough-1",
            "display_name": "新网格员",
            "locale": "zh_CN",
            "organization_id": str(w.orgs["comm_a"]["id"]),
            "role": "grid_worker",
        },
    )
    assert r.status_code == 303, r.text
    account = await Account.select(Account.id).where(Account.username == "grid_new").first()
    assert await Membership.exists().where((Membership.account == account["id"]) & (Membership.role == "grid_worker"))


async def test_a_role_that_is_not_yours_to_give_is_shown_next_to_the_role_field(client):
    w = await make_world()
    await page_login(client, "admin_a")
    token = await csrf_token(client, "/accounts/new")
    r = await client.post(
        "/accounts/new",
        data={
            "_csrf_token": token,
            "username": "boss",
            "password": "long-enough-1",
            "locale": "zh_CN",
            "organization_id": str(w.orgs["comm_a"]["id"]),
            "role": "community_admin",
        },
    )
    assert r.status_code == 403 and 'data-field="role"' in r.text
    assert not await Account.exists().where(Account.username == "boss")


async def test_users_change_their_own_name_on_my_account(client):
    await make_world()
    await page_login(client, "grid_a")
    me = await client.get("/accounts/me")
    assert me.status_code == 303
    path = me.headers["location"]
    token = await csrf_token(client, path)
    r = await client.post(path, data={"_csrf_token": token, "display_name": "陈网格", "locale": "zh_CN", "phone": ""})
    assert r.status_code == 200 and "陈网格" in r.text
    assert (await Account.select(Account.display_name).where(Account.username == "grid_a").first())[
        "display_name"
    ] == "陈网格"


async def test_the_account_list_shows_only_what_you_manage(client):
    await make_world()
    await page_login(client, "admin_a")
    html = (await client.get("/accounts")).text
    assert "staff_a" in html and "admin_b" not in html
