"""Verified addresses, per-kind choices and one-step unsubscribing, through the API and real local servers."""

import re

from delivery_data import verified

from factories import login, make_world
from jinlin.notifications.service import notify
from jinlin.notifications.tables import ContactPoint, Delivery
from jinlin.notifications.tasks import deliver_notifications_body


async def test_an_address_is_used_only_after_the_code_sent_to_it_is_entered(client, outside):
    w = await make_world()
    headers = await login(client, "liaison")
    r = await client.post(
        "/api/v1/notifications/contacts", json={"channel": "email", "address": "Li@Example.com"}, headers=headers
    )
    assert r.status_code == 201 and r.json() == {
        "id": r.json()["id"],
        "channel": "email",
        "address": "l***@example.com",
        "verified": False,
    }
    assert outside.smtp.messages == []  # never sent inside the request
    await notify(
        kind="call_issued",
        title="{issuer} calls for help: {title}",
        organization_id=w.orgs["enterprise"]["id"],
        params={"issuer": "社区A", "title": "送餐"},
    )
    await deliver_notifications_body()
    [mail] = outside.smtp.messages  # the code only: the call waits for a verified address
    assert mail["To"] == "li@example.com" and "验证码" in mail["Subject"]
    code = re.search(r"\d{6}", mail.get_body().get_content()).group(0)
    wrong = "000000" if code != "000000" else "111111"
    r = await client.post(
        "/api/v1/notifications/contacts/verify", json={"channel": "email", "code": wrong}, headers=headers
    )
    assert r.status_code == 400 and r.json()["error"]["fields"] == {"code": "wrong verification code"}
    assert (await ContactPoint.select().first())["verified_at"] is None
    r = await client.post(
        "/api/v1/notifications/contacts/verify", json={"channel": "email", "code": code}, headers=headers
    )
    assert r.status_code == 200 and r.json()["verified"] is True
    code_delivery = await Delivery.select().where(Delivery.kind == "verification_code").first()
    assert code_delivery["payload"] == ""  # the code is not kept once sent
    await notify(
        kind="call_issued",
        title="{issuer} calls for help: {title}",
        organization_id=w.orgs["enterprise"]["id"],
        params={"issuer": "社区A", "title": "送餐"},
    )
    await deliver_notifications_body()
    assert len(outside.smtp.messages) == 2 and "送餐" in outside.smtp.messages[1]["Subject"]


async def test_codes_are_rate_limited_and_bad_addresses_are_refused_by_field(client, outside):
    await make_world()
    headers = await login(client, "liaison")
    r = await client.post(
        "/api/v1/notifications/contacts", json={"channel": "sms", "address": "12345"}, headers=headers
    )
    assert r.status_code == 400 and "address" in r.json()["error"]["fields"]
    for _ in range(3):
        r = await client.post(
            "/api/v1/notifications/contacts", json={"channel": "sms", "address": "13800001234"}, headers=headers
        )
        assert r.status_code == 201
    r = await client.post(
        "/api/v1/notifications/contacts", json={"channel": "sms", "address": "13800001234"}, headers=headers
    )
    assert r.status_code == 429
    assert await Delivery.count().where(Delivery.kind == "verification_code") == 3


async def test_a_liaison_chooses_channels_per_kind_and_bad_choices_change_nothing(client, outside):
    w = await make_world()
    headers = await login(client, "liaison")
    prefs = (await client.get("/api/v1/notifications/preferences", headers=headers)).json()
    call = next(k for k in prefs["kinds"] if k["kind"] == "call_issued")
    assert call["channels"] == ["sms", "email"] and call["chosen"] is False
    assert prefs["quiet_hours"] is True and prefs["available_channels"] == ["email", "sms"]
    r = await client.put(
        "/api/v1/notifications/preferences",
        headers=headers,
        json={"kinds": [{"kind": "call_issued", "channels": ["fax"]}]},
    )
    assert r.status_code == 400
    r = await client.put(
        "/api/v1/notifications/preferences",
        headers=headers,
        json={"kinds": [{"kind": "nonsense", "channels": ["sms"]}]},
    )
    assert r.status_code == 400 and "kind" in r.json()["error"]["fields"]
    r = await client.put(
        "/api/v1/notifications/preferences",
        headers=headers,
        json={"kinds": [{"kind": "call_issued", "channels": ["email"]}], "quiet_hours": False},
    )
    assert r.status_code == 200
    call = next(k for k in r.json()["kinds"] if k["kind"] == "call_issued")
    assert call == {**call, "channels": ["email"], "chosen": True}
    await verified(w.accounts["liaison"], "sms", "13800001234")
    await verified(w.accounts["liaison"], "email", "liaison@example.com")
    await notify(
        kind="call_issued",
        title="{issuer} calls for help: {title}",
        organization_id=w.orgs["enterprise"]["id"],
        params={"issuer": "社区A", "title": "送餐"},
    )
    await deliver_notifications_body()
    assert len(outside.smtp.messages) == 1 and outside.http.requests == []


async def test_the_unsubscribe_link_in_a_message_stops_that_kind_in_one_step(client, outside):
    w = await make_world()
    await verified(w.accounts["liaison"], "email", "liaison@example.com")
    await notify(
        kind="match_proposed",
        title="A match was proposed for {title}",
        organization_id=w.orgs["enterprise"]["id"],
        params={"title": "助餐"},
    )
    await deliver_notifications_body()
    [mail] = outside.smtp.messages
    link = mail["List-Unsubscribe"].strip("<>")
    path = link.removeprefix("http://jinlin.test")
    page = await client.get(path)  # no login: the link itself is the proof
    assert page.status_code == 200 and "退订" in page.text
    token = path.split("token=")[1]
    csrf = client.cookies.get("jinlin_csrf")
    r = await client.post(
        "/notifications/unsubscribe", data={"token": token, "_csrf_token": csrf}, headers={"x-csrftoken": csrf}
    )
    assert r.status_code == 200 and "已退订" in r.text
    await notify(
        kind="match_proposed",
        title="A match was proposed for {title}",
        organization_id=w.orgs["enterprise"]["id"],
        params={"title": "助餐"},
    )
    await deliver_notifications_body()
    assert len(outside.smtp.messages) == 1
    # A forged token changes nothing.
    r = await client.post("/api/v1/notifications/unsubscribe", json={"token": token[:-2] + "00"})
    assert r.status_code == 400
