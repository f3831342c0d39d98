"""Organisations' robots (secrets never shown or logged) and one grouped message per recipient for a run."""

import logging

from delivery_data import verified
from local_servers import Reply

from factories import login, make_world, page_login, principal
from jinlin.core import clock
from jinlin.matches.tables import Match
from jinlin.needs.tables import Need
from jinlin.notifications.tables import Delivery, Notification, Robot
from jinlin.notifications.tasks import deliver_notifications_body
from jinlin.offers.tables import Offer
from jinlin.runs import service as runs
from jinlin.runs.tables import MatchRun

TOKEN, SECRET = "ding-access-token-0042", "SECsigning-secret-0042"


async def test_a_unit_posts_calls_into_its_dingtalk_group_and_never_sees_the_secret_again(
    client, outside, caplog, frozen_clock
):
    w = await make_world()
    headers = await login(client, "liaison")
    enterprise = w.orgs["enterprise"]["id"]
    r = await client.post(
        f"/api/v1/organizations/{enterprise}/robots",
        headers=headers,
        json={"kind": "dingtalk", "token": TOKEN, "secret": SECRET, "kinds": ["call_issued"]},
    )
    assert r.status_code == 201 and r.json()["signed"] is True
    assert r.json()["token_hint"] == "…0042"
    # Sealed at rest: the row holds neither in clear (a copied database or backup doesn't give them away).
    stored = await Robot.select().where(Robot.organization == enterprise).first()
    assert TOKEN not in str(stored) and SECRET not in str(stored) and stored["secret_enc"]
    listing = await client.get(f"/api/v1/organizations/{enterprise}/robots", headers=headers)
    other = await client.get(f"/api/v1/organizations/{enterprise}/robots", headers=await login(client, "liaison2"))
    assert other.status_code == 404
    from jinlin.notifications.service import notify

    # Our code and the HTTP client at every level (the database drivers' DEBUG output echoes every SQL
    # parameter, secrets or not, and is never switched on in production).
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="jinlin")
    caplog.set_level(logging.DEBUG, logger="httpx")
    await notify(
        kind="call_issued",
        title="{issuer} calls for help: {title}",
        organization_id=enterprise,
        params={"issuer": "社区A居委会", "title": "为独居老人送餐"},
    )
    await notify(kind="rated", title="You were rated", organization_id=enterprise)  # not a kind the group wants
    outside.http.replies = [Reply(503, {})]
    await deliver_notifications_body()
    frozen_clock.advance(minutes=5)
    await deliver_notifications_body()
    robot_requests = [q for q in outside.http.requests if q.path == "/robot/send"]
    assert len(robot_requests) == 2 and robot_requests[1].query["access_token"] == [TOKEN]
    assert "为独居老人送餐" in robot_requests[1].json()["text"]["content"]
    assert (await Delivery.select().where(Delivery.channel == "dingtalk").first())["status"] == "sent"
    await page_login(client, "liaison")
    page = await client.get(f"/organizations/{enterprise}/robots")
    stats = await client.get("/api/v1/notifications/delivery-stats", headers=await login(client, "county"))
    mine = await client.get("/api/v1/notifications/deliveries", headers=headers)
    assert "/robot/send" in caplog.text  # the client's request log was captured, without the token
    assert page.status_code == 200 and "钉钉" in page.text and stats.status_code == 200
    for text in (r.text, listing.text, page.text, stats.text, mine.text, caplog.text):
        assert TOKEN not in text and SECRET not in text and "gateway-token-secret" not in text


async def test_a_run_publishing_200_proposals_sends_one_grouped_message_per_recipient(client, outside):
    w = await make_world()
    await verified(w.accounts["liaison"], "email", "liaison@example.com")
    await verified(w.accounts["admin_a"], "email", "admin_a@example.com")
    await verified(w.accounts["staff_a"], "sms", "13800001111")
    now = clock.now()
    run = MatchRun(
        kind="allocation",
        area=w.areas["county"]["id"],
        area_path=w.areas["county"]["path"],
        status="succeeded",
        proposals=200,
        created_at=now,
        updated_at=now,
    )
    await run.save()
    offer = Offer(
        organization_id=w.orgs["enterprise"]["id"],
        title="上门服务",
        category="elder_care",
        capacity=500,
        capacity_left=500,
        unit="人次",
        status="published",
        created_at=now,
        updated_at=now,
    )
    await offer.save()
    offer = offer.id
    for i in range(200):
        need = Need(
            community_id=w.orgs["comm_a"]["id"],
            area_id=w.areas["grid_a1"]["id"],
            title=f"需求{i}",
            category="elder_care",
            quantity=1,
            unit="人次",
            colour="yellow",
            status="published",
            published_at=now,
            created_at=now,
            updated_at=now,
        )
        await need.save()
        need = need.id
        await Match.insert(
            Match(
                need_id=need,
                offer_id=offer,
                community_id=w.orgs["comm_a"]["id"],
                provider_id=w.orgs["enterprise"]["id"],
                quantity=1,
                source="run",
                run_id=run.id,
                status="proposed",
                proposed_by="system",
                created_at=now,
                updated_at=now,
            )
        )
    await runs.publish_run(await principal("county"), run.id)
    assert await Notification.count() == 2
    notes = await client.get("/api/v1/notifications", headers=await login(client, "liaison"))
    [item] = notes.json()["items"]
    assert item["group_count"] == 200 and "200" in item["text"]
    await deliver_notifications_body()
    assert sorted(m["To"] for m in outside.smtp.messages) == ["admin_a@example.com", "liaison@example.com"]
    sms = [q for q in outside.http.requests if q.path == "/sms"]
    assert sms == []  # proposals go by e-mail by default; staff_a chose nothing else
    assert await Delivery.count() == 2


async def test_key_rotation_re_seals_robots_and_they_still_deliver(client, outside):
    import base64
    import os

    from jinlin.core.crypto import Keyring, keyring, use_keyring
    from jinlin.households.rotation import rotate
    from jinlin.notifications.service import notify

    w = await make_world()
    enterprise = w.orgs["enterprise"]["id"]
    r = await client.post(
        f"/api/v1/organizations/{enterprise}/robots",
        headers=await login(client, "liaison"),
        json={"kind": "dingtalk", "token": TOKEN, "secret": SECRET, "kinds": ["call_issued"]},
    )
    assert r.status_code == 201, r.text
    old = keyring()
    new_key = base64.urlsafe_b64decode(base64.urlsafe_b64encode(os.urandom(32)))
    use_keyring(Keyring((new_key, *old.keys), old.hash_key))
    try:
        assert await rotate() >= 2  # the robot's token and secret
        stored = await Robot.select().where(Robot.organization == enterprise).first()
        assert stored["token_enc"].startswith(keyring().current_id + ":")
        use_keyring(Keyring((new_key,), old.hash_key))  # the old key is gone: the robot must still send
        await notify(
            kind="call_issued",
            title="{issuer} calls for help: {title}",
            organization_id=enterprise,
            params={"issuer": "社区A居委会", "title": "送餐"},
        )
        await deliver_notifications_body()
    finally:
        use_keyring(None)
    sent = [q for q in outside.http.requests if q.path == "/robot/send"]
    assert len(sent) == 1 and sent[0].query["access_token"] == [TOKEN]
    assert (await Delivery.select().where(Delivery.channel == "dingtalk").first())["status"] == "sent"
