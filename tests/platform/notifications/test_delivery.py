"""Delivery to e-mail and SMS through real local servers: planning, retries, idempotency, quiet hours, digests."""

import asyncio
from datetime import UTC, datetime

from delivery_data import sms_requests, verified
from local_servers import Reply

from factories import make_world
from jinlin.notifications import delivery
from jinlin.notifications.service import notify
from jinlin.notifications.tables import Delivery, DeliveryAttempt, Notification
from jinlin.notifications.tasks import deliver_notifications_body


async def _call_for_the_enterprise(w, title="为独居老人送餐"):
    await notify(
        kind="call_issued",
        title="{issuer} calls for help: {title}",
        organization_id=w.orgs["enterprise"]["id"],
        params={"issuer": "社区A居委会", "title": title},
        link="/calls/7",
        object_type="call",
        object_id=7,
    )


async def test_a_liaison_who_never_opens_jinlin_learns_of_a_call_by_sms_and_email(engine, outside):
    w = await make_world()
    await verified(w.accounts["liaison"], "sms", "13800001234")
    await verified(w.accounts["liaison"], "email", "liaison@example.com")
    await _call_for_the_enterprise(w)
    assert await deliver_notifications_body() == 2
    [sms] = sms_requests(outside)
    assert sms.json()["phone"] == "13800001234" and sms.json()["template"] == "call_issued"
    assert "社区A居委会 calls for help" in sms.json()["text"] or "号召" in sms.json()["text"]
    [mail] = outside.smtp.messages
    assert mail["To"] == "liaison@example.com" and "为独居老人送餐" in mail["Subject"]
    assert "http://jinlin.test/calls/7" in mail.get_body().get_content()
    rows = await Delivery.select().order_by(Delivery.channel)
    assert [(r["channel"], r["status"], r["recipient"]) for r in rows] == [
        ("email", "sent", "l***@example.com"),
        ("sms", "sent", "138****1234"),
    ]
    assert await DeliveryAttempt.count() == 2
    # Nothing new: a second round sends nothing.
    assert await deliver_notifications_body() == 0
    assert len(sms_requests(outside)) == 1 and len(outside.smtp.messages) == 1


async def test_a_provider_error_5xx_is_retried_with_back_off_and_then_delivered(engine, outside, frozen_clock):
    w = await make_world()
    await verified(w.accounts["liaison"], "sms", "13800001234")
    outside.http.replies = [Reply(503, {}), Reply(200, {}, delay_s=1.5)]  # then a timeout, then the default OK
    await _call_for_the_enterprise(w)
    await deliver_notifications_body()
    row = await Delivery.select().first()
    assert (row["status"], row["attempts"], row["error"]) == ("queued", 1, "HTTP 503")
    assert (row["not_before"] - frozen_clock.now).total_seconds() == 30
    await deliver_notifications_body()  # not due yet: nothing is tried
    assert len(sms_requests(outside)) == 1
    frozen_clock.advance(seconds=31)
    await deliver_notifications_body()  # times out
    row = await Delivery.select().first()
    assert (row["status"], row["attempts"], row["error"]) == ("queued", 2, "timeout")
    assert (row["not_before"] - frozen_clock.now).total_seconds() == 60
    frozen_clock.advance(seconds=61)
    await deliver_notifications_body()
    row = await Delivery.select().first()
    assert (row["status"], row["attempts"]) == ("sent", 3)
    outcomes = [a["outcome"] for a in await DeliveryAttempt.select().order_by(DeliveryAttempt.id)]
    assert outcomes == ["temporary", "temporary", "sent"]


async def test_a_permanent_error_is_not_retried(engine, outside, frozen_clock):
    w = await make_world()
    await verified(w.accounts["liaison"], "sms", "13800001234")
    outside.http.default = Reply(400, {"error": "invalid number"})
    await _call_for_the_enterprise(w)
    await deliver_notifications_body()
    frozen_clock.advance(hours=2)
    await deliver_notifications_body()
    assert len(sms_requests(outside)) == 1
    row = await Delivery.select().first()
    assert (row["status"], row["attempts"], row["error"]) == ("failed", 1, "HTTP 400")


async def test_a_duplicated_task_sends_once(engine, outside):
    w = await make_world()
    await verified(w.accounts["liaison"], "email", "liaison@example.com")
    await _call_for_the_enterprise(w)
    [delivery_id] = await delivery.plan_pending()
    assert await delivery.plan_pending() == []
    await asyncio.gather(*(delivery.send_delivery(delivery_id) for _ in range(3)))
    await delivery.send_delivery(delivery_id)
    assert len(outside.smtp.messages) == 1
    # The database refuses a second delivery with the same (notification, channel, recipient) key.
    row = await Delivery.select().first()
    again = (
        await Delivery.insert(Delivery(key=row["key"], kind=row["kind"], channel="email", status="queued"))
        .on_conflict(action="DO NOTHING")
        .returning(Delivery.id)
    )
    assert again == [] and await Delivery.count() == 1


async def test_no_sms_in_quiet_hours_except_for_urgent_items(engine, outside, frozen_clock):
    w = await make_world()
    frozen_clock.now = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # 23:00 in China
    await verified(w.accounts["volunteer"], "sms", "13666667777")
    await verified(w.accounts["liaison"], "sms", "13800001234")
    await notify(
        kind="shift_reminder",
        title="Reminder: “{title}” starts {when} at {address}",
        account_id=w.accounts["volunteer"],
        params={"title": "敬老院探访", "when": "11-21 09:00", "address": "幸福路1号"},
    )
    await _call_for_the_enterprise(w)  # a call for help is urgent
    await deliver_notifications_body()
    assert [r.json()["phone"] for r in sms_requests(outside)] == ["13800001234"]
    frozen_clock.now = datetime(2026, 11, 20, 22, 59, tzinfo=UTC)  # 06:59
    await deliver_notifications_body()
    assert len(sms_requests(outside)) == 1
    frozen_clock.now = datetime(2026, 11, 20, 23, 0, 30, tzinfo=UTC)  # 07:00:30
    await deliver_notifications_body()
    assert [r.json()["phone"] for r in sms_requests(outside)] == ["13800001234", "13666667777"]


async def test_low_urgency_kinds_wait_for_one_daily_digest(engine, outside, frozen_clock):
    w = await make_world()
    frozen_clock.now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # 20:00 in China
    await verified(w.accounts["leader"], "email", "leader@example.com")
    for title in ("敬老院探访", "社区清扫", "义诊"):
        await notify(
            kind="rated",
            title="A volunteer rated “{title}”",
            organization_id=w.orgs["team"]["id"],
            params={"title": title},
        )
    await deliver_notifications_body()
    assert outside.smtp.messages == []
    frozen_clock.now = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)  # 07:30: before the digest hour
    await deliver_notifications_body()
    assert outside.smtp.messages == []
    frozen_clock.now = datetime(2026, 11, 21, 0, 1, tzinfo=UTC)  # 08:01
    await deliver_notifications_body()
    await deliver_notifications_body()
    [mail] = outside.smtp.messages
    body = mail.get_body().get_content()
    assert "3" in mail["Subject"]
    assert all(t in body for t in ("敬老院探访", "社区清扫", "义诊"))
    assert await Delivery.count().where(Delivery.status == "digested") == 3


async def test_pledges_to_one_call_are_one_notice_for_its_issuer(engine):
    w = await make_world()
    for quantity in (1, 2, 3):
        await notify(
            kind="call_response",
            title="A unit pledged {quantity} to {title}",
            organization_id=w.orgs["comm_a"]["id"],
            params={"quantity": quantity, "title": "送餐"},
            group_key="call:5:responses",
            group_title="{count} pledges to {title}",
        )
    [row] = await Notification.select()
    from jinlin.notifications.service import text_of

    assert row["group_count"] == 3 and text_of(row, "zh_CN") == "“送餐”已收到3条响应"


async def test_deliveries_older_than_half_a_year_are_pruned_with_their_attempts(engine, outside, frozen_clock):
    w = await make_world()
    await verified(w.accounts["liaison"], "email", "liaison@example.com")
    await _call_for_the_enterprise(w)
    await deliver_notifications_body()
    frozen_clock.advance(days=179)
    assert await delivery.prune() == 0
    frozen_clock.advance(days=2)
    assert await delivery.prune() == 1
    assert await Delivery.count() == 0 and await DeliveryAttempt.count() == 0


async def test_a_send_interrupted_by_a_dead_worker_becomes_a_visible_failure_and_is_not_sent_again(
    engine, outside, frozen_clock
):
    w = await make_world()
    await verified(w.accounts["liaison"], "email", "liaison@example.com")
    await _call_for_the_enterprise(w)
    [delivery_id] = await delivery.plan_pending()
    await Delivery.update({Delivery.status: "sending", Delivery.updated_at: frozen_clock.now}).where(
        Delivery.id == delivery_id
    )  # as a worker leaves it when killed mid-send
    frozen_clock.advance(minutes=10)
    await deliver_notifications_body()
    assert (await Delivery.select().first())["status"] == "sending"
    frozen_clock.advance(minutes=6)
    await deliver_notifications_body()
    await deliver_notifications_body()
    row = await Delivery.select().first()
    assert row["status"] == "failed" and "interrupted" in row["error"]
    assert outside.smtp.messages == []


async def test_an_english_speaking_liaison_gets_the_message_in_english(engine, outside):
    from jinlin.accounts.tables import Account

    w = await make_world()
    await Account.update({Account.locale: "en"}).where(Account.id == w.accounts["liaison"])
    await verified(w.accounts["liaison"], "email", "liaison@example.com")
    await verified(w.accounts["liaison2"], "email", "liaison2@example.com")
    await _call_for_the_enterprise(w)
    await notify(
        kind="call_issued",
        title="{issuer} calls for help: {title}",
        organization_id=w.orgs["village"]["id"],
        params={"issuer": "社区C居委会", "title": "修缮"},
    )
    await deliver_notifications_body()
    mails = {m["To"]: m for m in outside.smtp.messages}
    assert mails["liaison@example.com"]["Subject"] == "[近邻] 社区A居委会 calls for help: 为独居老人送餐"
    assert "Unsubscribe:" in mails["liaison@example.com"].get_body().get_content()
    assert mails["liaison2@example.com"]["Subject"] == "[近邻] 社区C居委会发出号召：修缮"
    assert "退订此类通知" in mails["liaison2@example.com"].get_body().get_content()


async def test_a_flood_to_one_recipient_is_held_back_by_the_per_recipient_limit(engine, outside, frozen_clock):
    import dataclasses

    from jinlin.channels import settings as channel_settings

    channel_settings.override(dataclasses.replace(outside.settings, sms_per_recipient_per_hour=2))
    w = await make_world()
    await verified(w.accounts["liaison"], "sms", "13800001234")
    for title in ("一", "二", "三"):
        await _call_for_the_enterprise(w, title=title)
    await deliver_notifications_body()
    assert len(sms_requests(outside)) == 2
    held = await Delivery.select().where(Delivery.status == "queued").first()
    assert held["attempts"] == 0 and held["error"] == "rate limit"
    assert (await DeliveryAttempt.select().where(DeliveryAttempt.delivery == held["id"]).first())[
        "outcome"
    ] == "throttled"
