"""Done when: a unit liaison who never opens Jinlin learns of a call for their unit by SMS and in their
work-chat group within a minute, through the real calls API, and nothing is lost or sent twice when the
SMS provider fails once."""

from datetime import timedelta

from delivery_data import sms_requests, verified
from local_servers import Reply

from factories import login, make_world
from jinlin.core import clock
from jinlin.notifications.tables import Delivery
from jinlin.notifications.tasks import deliver_notifications_body


async def test_a_call_reaches_the_liaison_by_sms_and_the_units_feishu_group_despite_one_provider_failure(
    client, outside, frozen_clock
):
    w = await make_world()
    await verified(w.accounts["liaison"], "sms", "13800001234")
    liaison = await login(client, "liaison")
    r = await client.post(
        f"/api/v1/organizations/{w.orgs['enterprise']['id']}/robots",
        headers=liaison,
        json={"kind": "feishu", "token": "hook-0001", "secret": "feishu-secret-1"},
    )
    assert r.status_code == 201
    staff = await login(client, "staff_a")
    outside.http.replies = [Reply(502, {})]  # the first provider call fails
    r = await client.post(
        "/api/v1/calls",
        headers=staff,
        json={
            "issuer_id": w.orgs["comm_a"]["id"],
            "title": "防汛物资号召",
            "categories": ["materials"],
            "quantity": 5,
            "unit": "袋",
            "respond_by": (clock.now() + timedelta(days=1)).isoformat(),
            "unit_kinds": ["enterprise"],
        },
    )
    assert r.status_code == 201, r.text
    assert outside.http.requests == []  # nothing is sent inside the request
    await deliver_notifications_body()  # the periodic job, within 20-30 s
    frozen_clock.advance(seconds=31)
    await deliver_notifications_body()  # the failed one, after its back-off: well within a minute
    sms = sms_requests(outside)
    hooks = [q for q in outside.http.requests if q.path == "/open-apis/bot/v2/hook/hook-0001"]
    assert len(sms) + len(hooks) == 3  # one failure, then each channel exactly once
    assert any(q.json().get("phone") == "13800001234" for q in sms)
    assert "防汛物资号召" in hooks[-1].json()["content"]["text"]
    assert sorted(r["status"] for r in await Delivery.select(Delivery.status)) == ["sent", "sent"]
    for _ in range(3):
        frozen_clock.advance(minutes=5)
        await deliver_notifications_body()
    assert len(sms_requests(outside)) + len([q for q in outside.http.requests if "/hook/" in q.path]) == 3
