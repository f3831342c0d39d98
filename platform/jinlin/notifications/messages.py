"""The text of a delivery, in its recipient's language, from the catalogs (msgids are English)."""

from __future__ import annotations

import json
from typing import Any

from jinlin.accounts.tables import Account
from jinlin.channels.base import Message
from jinlin.channels.settings import channel_settings
from jinlin.core.i18n import translate
from jinlin.notifications import choices
from jinlin.notifications.service import text_of
from jinlin.notifications.tables import Delivery, Notification

SUBJECT_PREFIX = "[近邻] "


async def message_for(row: dict[str, Any]) -> Message:
    locale = await recipients_locale(row["account"])
    base = channel_settings().public_url
    if row["kind"] == "verification_code":
        body = translate(
            "Your Jinlin verification code is {code}. It is valid for 10 minutes.", locale, code=row["payload"]
        )
        return Message(
            subject=SUBJECT_PREFIX + translate("Verification code", locale),
            body=body,
            template="verification_code",
            params={"code": row["payload"]},
            locale=locale,
        )
    if row["kind"] == "digest":
        lines = await digest_lines(row["id"], locale)
        subject = translate("Your daily digest: {count} notices", locale, count=len(lines))
        body = "\n".join(f"• {line}" for line in lines)
        return Message(
            subject=SUBJECT_PREFIX + subject,
            body=body,
            link=f"{base}/notifications",
            unsubscribe_url=f"{base}/notifications/preferences",
            template="digest",
            params={"count": str(len(lines))},
            locale=locale,
        )
    note = await Notification.select().where(Notification.id == row["notification"]).first()
    if note is None:
        from jinlin.channels.base import PermanentFailure

        raise PermanentFailure("the notification was removed")
    text = text_of(note, locale)
    unsubscribe = ""
    if row["account"] is not None:
        token = choices.unsubscribe_token(row["account"], row["kind"], row["channel"])
        unsubscribe = f"{base}/notifications/unsubscribe?token={token}"
    params = {**params_of(note), "count": str(note["group_count"])}
    return Message(
        subject=SUBJECT_PREFIX + (text if len(text) <= 60 else text[:59] + "…"),
        body=text,
        link=f"{base}{note['link']}" if note["link"] else "",
        unsubscribe_url=unsubscribe,
        template=row["kind"],
        params=params,
        locale=locale,
    )


async def digest_lines(digest_id: int, locale: str) -> list[str]:
    rows = await Delivery.select(Delivery.notification).where(Delivery.digest == digest_id)
    ids = [r["notification"] for r in rows if r["notification"]]
    notes = await Notification.select().where(Notification.id.is_in(ids)).order_by(Notification.id) if ids else []
    return [text_of(n, locale) for n in notes]


async def recipients_locale(account_id: int | None) -> str:
    if account_id is None:
        return "zh_CN"
    row = await Account.select(Account.locale).where(Account.id == account_id).first()
    return row["locale"] if row and row["locale"] in ("zh_CN", "en") else "zh_CN"


def params_of(row: dict[str, Any]) -> dict[str, str]:
    # SMS template variables are short by rule (Alibaba: 35 characters each).
    return {k: str(v)[:35] for k, v in json.loads(row["params"] or "{}").items()}
