"""Sending and reading in-app notifications. ``notify`` runs inside the caller's transaction.

Every notification is also an outbox entry: ``delivery.plan_pending`` picks up undispatched rows after the
caller's transaction has committed and plans e-mail, SMS and robot deliveries for them (never inline).
"""

from __future__ import annotations

import json
from typing import Any

from piccolo.columns.combination import Combinable

from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.errors import NotFound
from jinlin.core.i18n import translate
from jinlin.core.pagination import PageRequest
from jinlin.notifications.tables import Notification


async def notify(
    *,
    kind: str,
    title: str,
    organization_id: int | None = None,
    account_id: int | None = None,
    params: dict[str, Any] | None = None,
    link: str = "",
    object_type: str = "",
    object_id: int | None = None,
    group_key: str = "",
    group_title: str = "",
    group_link: str = "",
    urgency: str = "",
) -> None:
    """Notify an organisation (every member sees it) or one account. ``title`` is an English msgid.

    With ``group_key`` (e.g. ``"run:12"``, ``"call:7"``) notices to the same recipient are one notice while
    it is unread and not yet sent on: its ``group_count`` grows and it shows ``group_title`` (a msgid with
    ``{count}`` and the first notice's params) linking to ``group_link``. ``urgency`` (low/normal/high)
    overrides the kind's default: high goes by SMS even in quiet hours.
    """
    if organization_id is None and account_id is None:
        raise ValueError("notify needs an organisation or an account")
    if group_key:
        recipient = (
            (Notification.organization == organization_id)
            if organization_id is not None
            else (Notification.account == account_id)
        )
        bumped = (
            await Notification.update({Notification.group_count: Notification.group_count + 1})
            .where(
                recipient
                & (Notification.group_key == group_key)
                & Notification.read_at.is_null()
                & Notification.dispatched_at.is_null()
            )
            .returning(Notification.id)
        )
        if bumped:
            return
    await Notification.insert(
        Notification(
            organization=organization_id,
            account=account_id,
            kind=kind,
            title=title,
            params=json.dumps(params or {}, ensure_ascii=False),
            link=group_link or link if group_key else link,
            object_type=object_type,
            object_id=object_id,
            created_at=clock.now(),
            group_key=group_key,
            group_title=group_title,
            urgency=urgency,
        )
    )


def text_of(row: dict[str, Any], locale: str | None = None) -> str:
    """The notice as its reader sees it: the group's title when it stands for several."""
    params = json.loads(row["params"] or "{}")
    if row.get("group_count", 1) > 1 and row.get("group_title"):
        return translate(row["group_title"], locale, **{**params, "count": row["group_count"]})
    return translate(row["title"], locale, **params) if params else translate(row["title"], locale)


def _mine(principal: Principal):
    org_ids = list(principal.org_ids())
    clause: Combinable = Notification.account == principal.account_id
    if org_ids:
        clause = clause | Notification.organization.is_in(org_ids)
    return clause


async def unread_count(principal: Principal) -> int:
    return await Notification.count().where(_mine(principal) & Notification.read_at.is_null())


async def list_notifications(principal: Principal, paging: PageRequest) -> tuple[list[dict[str, Any]], int]:
    rows = (
        await Notification.select()
        .where(_mine(principal))
        .order_by(Notification.id, ascending=False)
        .limit(paging.limit)
        .offset(paging.offset)
    )
    total = await Notification.count().where(_mine(principal))
    for row in rows:
        row["text"] = text_of(row)
    return rows, total


async def mark_all_read(principal: Principal) -> int:
    # Read state is per notification, not per member: reading an organisation's notification marks it for all.
    updated = (
        await Notification.update({Notification.read_at: clock.now()})
        .where(_mine(principal) & Notification.read_at.is_null())
        .returning(Notification.id)
    )
    return len(updated)


async def open_notification(principal: Principal, notification_id: int) -> str:
    """Mark one notice read and say where it points ("" when nowhere)."""
    row = (
        await Notification.select(Notification.link)
        .where(_mine(principal) & (Notification.id == notification_id))
        .first()
    )
    if row is None:
        raise NotFound("Notification not found")
    await Notification.update({Notification.read_at: clock.now()}).where(
        (Notification.id == notification_id) & Notification.read_at.is_null()
    )
    return row["link"]
