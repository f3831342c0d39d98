from factories import make_need, make_offer, make_world, principal
from jinlin.matches import service


async def _page_login(client, username):
    r = await client.get("/login")
    token = r.cookies.get("jinlin_csrf") or client.cookies.get("jinlin_csrf")
    r = await client.post(
        "/login",
        data={"username": username, "password": "correct-horse-1", "next": "/", "_csrf_token": token},
        headers={"x-csrftoken": token},
    )
    assert r.status_code in (302, 303), r.text


async def test_the_bell_counts_unread_notifications_and_the_list_shows_them(client):
    w = await make_world()
    need = await make_need("staff_a", w.orgs["comm_a"])
    offer = await make_offer("liaison", w.orgs["enterprise"])
    await service.create_match(await principal("liaison"), need.id, offer.id, 1)
    await _page_login(client, "staff_a")
    assert (await client.get("/notifications/count")).text == "1"
    page = await client.get("/notifications")
    assert page.status_code == 200 and "上门助餐" in page.text
    token = client.cookies.get("jinlin_csrf")
    r = await client.post("/notifications/read", headers={"x-csrftoken": token})
    assert r.status_code == 303
    assert (await client.get("/notifications/count")).text == ""


async def test_the_marketplace_pages_render_in_chinese(client):
    w = await make_world()
    need = await make_need("staff_a", w.orgs["comm_a"], urgency=3, importance=3)
    offer = await make_offer("liaison", w.orgs["enterprise"])
    match = await service.create_match(await principal("liaison"), need.id, offer.id, 1)
    await _page_login(client, "staff_a")
    for path in (
        "/needs",
        "/needs/new",
        f"/needs/{need.id}",
        "/offers",
        f"/offers/{offer.id}",
        "/matches",
        f"/matches/{match.id}",
        f"/organizations/{w.orgs['enterprise']['id']}/reputation",
        "/",
    ):
        r = await client.get(path)
        assert r.status_code == 200, (path, r.text[:2000])
    assert "红" in (await client.get("/needs")).text
