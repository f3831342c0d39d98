"""号召 pages: staff issue a call, a unit pledges from its page, staff turn the pledge into a match and
close the call, all in Chinese, with errors next to the fields."""

from datetime import timedelta

from factories import csrf_token, login, make_need, make_world
from jinlin.calls.tables import Call, CallResponse
from jinlin.core import clock
from jinlin.matches.tables import Match


async def _issue(client, w, need_id, **extra):
    token = await csrf_token(client, "/calls/new")
    respond_by = (clock.now() + timedelta(days=2)).astimezone().strftime("%Y-%m-%dT%H:%M")
    r = await client.post(
        "/calls/new",
        data={
            "_csrf_token": token,
            "issuer_id": str(w.orgs["comm_a"]["id"]),
            "title": "防汛沙袋号召",
            "categories": ["materials"],
            "quantity": "10",
            "unit": "袋",
            "unit_kinds": ["enterprise"],
            "need_ids": [str(need_id)],
            "respond_by": respond_by,
            "description": "汛期将至",
            **extra,
        },
    )
    return r


async def test_the_call_pages_render_in_chinese(client, frozen_clock):
    w = await make_world()
    need = await make_need("staff_a", w.orgs["comm_a"], title="防汛沙袋", category="materials", quantity=10, unit="袋")
    await login(client, "staff_a")
    form = await client.get("/calls/new")
    assert form.status_code == 200 and "发布号召" in form.text and "防汛沙袋" in form.text
    r = await _issue(client, w, need.id)
    assert r.status_code == 303, r.text
    listing = await client.get("/calls")
    assert listing.status_code == 200 and "号召" in listing.text and "征集中" in listing.text
    detail = await client.get(r.headers["location"])
    assert detail.status_code == 200 and "认领" in detail.text and "关闭号召" in detail.text


async def test_a_call_form_with_errors_shows_them_next_to_the_fields_in_chinese(client, frozen_clock):
    w = await make_world()
    need = await make_need("staff_a", w.orgs["comm_a"], category="materials")
    await login(client, "staff_a")
    r = await _issue(client, w, need.id, quantity="0")
    assert r.status_code == 400
    assert 'data-field="quantity"' in r.text and "不能小于 1" in r.text
    past = (clock.now() - timedelta(hours=1)).astimezone().strftime("%Y-%m-%dT%H:%M")
    r = await _issue(client, w, need.id, respond_by=past)
    assert r.status_code == 400 and 'data-field="respond_by"' in r.text and "须晚于现在" in r.text
    assert await Call.count() == 0


async def test_a_unit_pledges_to_a_call_through_the_page(client, frozen_clock):
    w = await make_world()
    need = await make_need("staff_a", w.orgs["comm_a"], category="materials", quantity=10, unit="袋")
    await login(client, "staff_a")
    call_url = (await _issue(client, w, need.id)).headers["location"]
    await login(client, "liaison")
    home = await client.get("/")
    assert 'hx-get="/calls/panel"' in home.text  # the panel loads lazily
    panel = await client.get("/calls/panel")
    assert "防汛沙袋号召" in panel.text
    page = await client.get(call_url)
    assert 'data-testid="pledge-form"' in page.text
    token = await csrf_token(client, call_url)
    r = await client.post(
        f"{call_url}/pledge",
        data={"_csrf_token": token, "organization_id": str(w.orgs["enterprise"]["id"]), "quantity": "0"},
    )
    assert r.status_code == 400 and 'data-field="quantity"' in r.text
    r = await client.post(
        f"{call_url}/pledge",
        data={
            "_csrf_token": token,
            "organization_id": str(w.orgs["enterprise"]["id"]),
            "quantity": "6",
            "note": "明早送到",
        },
    )
    assert r.status_code == 303, r.text
    pledge = await CallResponse.select().first()
    assert (pledge["organization_id"], pledge["quantity"], pledge["note"]) == (
        w.orgs["enterprise"]["id"],
        6,
        "明早送到",
    )
    after = await client.get(call_url)
    assert 'data-testid="pledge-form"' not in after.text and "明早送到" in after.text
    # A unit that is not called sees neither the call nor a way to pledge.
    await login(client, "leader")
    assert (await client.get(call_url)).status_code == 404


async def test_staff_turn_a_pledge_into_a_match_through_the_page_and_close_the_call(client, frozen_clock):
    w = await make_world()
    need = await make_need("staff_a", w.orgs["comm_a"], category="materials", quantity=10, unit="袋")
    await login(client, "staff_a")
    call_url = (await _issue(client, w, need.id)).headers["location"]
    await login(client, "liaison")
    token = await csrf_token(client, call_url)
    await client.post(
        f"{call_url}/pledge",
        data={"_csrf_token": token, "quantity": "6", "organization_id": str(w.orgs["enterprise"]["id"])},
    )
    pledge = await CallResponse.select().first()
    await login(client, "staff_a")
    fragment = await client.get(f"{call_url}/responses")
    assert fragment.status_code == 200 and f'data-testid="match-form-{pledge["id"]}"' in fragment.text
    token = await csrf_token(client, call_url)
    r = await client.post(
        f"{call_url}/responses/{pledge['id']}/match",
        data={"_csrf_token": token, "need_id": str(need.id), "quantity": "7"},
    )
    assert r.status_code == 409 and 'data-field="quantity"' in r.text and "超出" in r.text
    r = await client.post(
        f"{call_url}/responses/{pledge['id']}/match",
        data={"_csrf_token": token, "need_id": str(need.id), "quantity": "6"},
    )
    assert r.status_code == 303, r.text
    match = await Match.select().first()
    assert (match["source"], match["status"], match["quantity"], match["provider_id"]) == (
        "call",
        "accepted",
        6,
        w.orgs["enterprise"]["id"],
    )  # pledged by the unit, matched by the community
    page = await client.get(call_url)
    assert f"/matches/{match['id']}" in page.text
    r = await client.post(f"{call_url}/close", data={"_csrf_token": token})
    assert r.status_code == 303
    assert (await Call.select(Call.status).first())["status"] == "closed"
    assert "已结束" in (await client.get(call_url)).text


async def test_a_form_without_the_csrf_token_is_refused(client, frozen_clock):
    w = await make_world()
    need = await make_need("staff_a", w.orgs["comm_a"], category="materials")
    await login(client, "staff_a")
    r = await client.post(
        "/calls/new",
        data={
            "issuer_id": str(w.orgs["comm_a"]["id"]),
            "title": "x",
            "categories": "materials",
            "quantity": "1",
            "need_ids": str(need.id),
        },
    )
    assert r.status_code == 403
    assert await Call.count() == 0
