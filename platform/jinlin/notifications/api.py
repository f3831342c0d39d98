"""/api/v1/notifications: the caller's notifications (their own and their organisations')."""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import get, post
from litestar.di import NamedDependency

from jinlin.auth.principal import Principal
from jinlin.core.pagination import Page, PageRequest
from jinlin.notifications import service


class NotificationOut(msgspec.Struct):
    id: int
    kind: str
    text: str
    link: str
    object_type: str
    object_id: int | None
    organization_id: int | None
    account_id: int | None
    created_at: datetime
    read_at: datetime | None


class UnreadOut(msgspec.Struct):
    unread: int


@get("/notifications", tags=["notifications"])
async def list_notifications(
    principal: NamedDependency[Principal], paging: NamedDependency[PageRequest]
) -> Page[NotificationOut]:
    rows, total = await service.list_notifications(principal, paging)
    items = [NotificationOut(id=r["id"], kind=r["kind"], text=r["text"], link=r["link"], object_type=r["object_type"],
                             object_id=r["object_id"], organization_id=r["organization"], account_id=r["account"],
                             created_at=r["created_at"], read_at=r["read_at"]) for r in rows]
    return paging.page(items, total)


@get("/notifications/unread-count", tags=["notifications"])
async def unread_count(principal: NamedDependency[Principal]) -> UnreadOut:
    return UnreadOut(unread=await service.unread_count(principal))


@post("/notifications/read-all", tags=["notifications"], status_code=200)
async def read_all(principal: NamedDependency[Principal]) -> UnreadOut:
    await service.mark_all_read(principal)
    return UnreadOut(unread=await service.unread_count(principal))


ROUTES = [list_notifications, unread_count, read_all]
