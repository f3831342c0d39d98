"""Sending and reading in-app notifications. ``notify`` runs inside the caller's transaction."""

from __future__ import annotations

import json
from typing import Any

from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.i18n import translate
from jinlin.core.pagination import PageRequest
from jinlin.notifications.tables import Notification


async def notify(
    *, kind: str, title: str, organization_id: int | None = None, account_id: int | None = None,
    params: dict[str, Any] | None = None, link: str = "", object_type: str = "", object_id: int | None = None,
) -> None:
    """Notify an organisation (every member sees it) or one account. ``title`` is an English msgid."""
    if organization_id is None and account_id is None:
        raise ValueError("notify needs an organisation or an account")
    await Notification.insert(Notification(
        organization=organization_id, account=account_id, kind=kind, title=title,
        params=json.dumps(params or {}, ensure_ascii=False), link=link, object_type=object_type,
        object_id=object_id, created_at=clock.now(),
    ))


def _mine(principal: Principal):
    org_ids = list(principal.org_ids())
    clause = Notification.account == principal.account_id
    if org_ids:
        clause = clause | Notification.organization.is_in(org_ids)
    return clause


async def unread_count(principal: Principal) -> int:
    return await Notification.count().where(_mine(principal) & Notification.read_at.is_null())


async def list_notifications(principal: Principal, paging: PageRequest) -> tuple[list[dict[str, Any]], int]:
    rows = await Notification.select().where(_mine(principal)).order_by(Notification.id, ascending=False) \
        .limit(paging.limit).offset(paging.offset)
    total = await Notification.count().where(_mine(principal))
    for row in rows:
        params = json.loads(row["params"] or "{}")
        row["text"] = translate(row["title"], **params) if params else translate(row["title"])
    return rows, total


async def mark_all_read(principal: Principal) -> int:
    # Read state is per notification, not per member: reading an organisation's notification marks it for all.
    updated = await Notification.update({Notification.read_at: clock.now()}).where(
        _mine(principal) & Notification.read_at.is_null()
    ).returning(Notification.id)
    return len(updated)
