"""Error pages keep the user in the product: the normal layout, the message in Chinese, a way back."""

from factories import csrf_token, login, make_need, make_offer, make_world, page_login


async def test_a_404_page_keeps_the_menu_the_account_and_the_language_and_speaks_chinese(client):
    await make_world()
    await page_login(client, "admin_a")
    r = await client.get("/needs/999999", headers={"referer": "http://testserver/needs"})
    assert r.status_code == 404
    html = r.text
    assert 'class="menu"' in html and 'data-testid="logout"' in html and 'data-testid="switch-en"' in html
    assert "未找到该需求" in html and "Need not found" not in html
    assert 'href="/needs" data-testid="error-back"' in html


async def test_a_409_with_numbers_reads_in_chinese_on_the_page_and_stays_english_in_the_api(client):
    w = await make_world()
    need = await make_need("admin_a", w.orgs["comm_a"], quantity=50)
    offer = await make_offer("liaison", w.orgs["enterprise"], capacity=30)
    r = await client.post(
        "/api/v1/matches",
        headers=await login(client, "liaison"),
        json={"need_id": need.id, "offer_id": offer.id, "quantity": 40},
    )
    assert r.status_code == 409 and r.json()["error"]["message"] == "The offer has 30 left"
    await page_login(client, "liaison")

    token = await csrf_token(client, f"/needs/{need.id}")
    r = await client.post(
        "/matches/new", data={"_csrf_token": token, "need_id": need.id, "offer_id": offer.id, "quantity": 40}
    )
    assert r.status_code == 409
    assert "该资源只剩 30" in r.text and 'class="menu"' in r.text


async def test_a_wrong_status_reads_in_chinese(client):
    w = await make_world()
    need = await make_need("admin_a", w.orgs["comm_a"])
    await page_login(client, "admin_a")

    token = await csrf_token(client, f"/needs/{need.id}")
    for action in ("cancel", "publish"):
        r = await client.post(f"/needs/{need.id}/{action}", data={"_csrf_token": token})
    assert r.status_code == 409
    assert "需求当前为“已取消”，不能发布" in r.text
