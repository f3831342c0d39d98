"""The services shape: a real Celery worker over Redis sends through a real SMTP server, once."""

import asyncio
import time

from delivery_data import verified

from factories import make_world
from jinlin.notifications.service import notify
from jinlin.notifications.tables import Delivery
from jinlin.notifications.tasks import deliver_notifications_body, send_delivery


async def _wait_for(predicate, timeout_s: float = 60.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if await predicate():
            return True
        await asyncio.sleep(0.2)
    return False


async def test_a_real_worker_delivers_a_call_by_email_exactly_once(engine, mail_worker):
    w = await make_world()
    await verified(w.accounts["liaison"], "email", "liaison@example.com")
    await notify(
        kind="call_issued",
        title="{issuer} calls for help: {title}",
        organization_id=w.orgs["enterprise"]["id"],
        params={"issuer": "社区A居委会", "title": "为独居老人送餐"},
        link="/calls/3",
    )
    assert await deliver_notifications_body() == 1  # planned here, sent by the worker

    async def sent():
        row = await Delivery.select(Delivery.status).first()
        return row["status"] == "sent" and len(mail_worker.messages) == 1

    assert await _wait_for(sent), (await Delivery.select().first(), len(mail_worker.messages))
    mail = mail_worker.messages[0]
    assert mail["To"] == "liaison@example.com" and "为独居老人送餐" in mail["Subject"]
    # The same task again, twice: nothing more is sent.
    delivery_id = (await Delivery.select(Delivery.id).first())["id"]
    send_delivery.delay(delivery_id)
    send_delivery.delay(delivery_id)
    await asyncio.sleep(3)
    assert len(mail_worker.messages) == 1
