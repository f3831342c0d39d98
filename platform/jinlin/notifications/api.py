"""/api/v1/notifications: the caller's notifications (their own and their organisations'), their delivery
choices, verified addresses and deliveries; organisations' work-chat robots; county delivery statistics."""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from jinlin.auth.principal import Principal
from jinlin.core.pagination import Page, PageRequest
from jinlin.notifications import choices, logbook, robots, service
from jinlin.notifications.schemas import (
    ContactIn,
    ContactOut,
    DeliveryOut,
    DeliveryStatsOut,
    PreferencesIn,
    PreferencesOut,
    RobotIn,
    RobotOut,
    UnsubscribeIn,
    UnsubscribeOut,
    VerifyIn,
)


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
    group_count: int = 1


class UnreadOut(msgspec.Struct):
    unread: int


@get("/notifications", tags=["notifications"])
async def list_notifications(
    principal: NamedDependency[Principal], paging: NamedDependency[PageRequest]
) -> Page[NotificationOut]:
    rows, total = await service.list_notifications(principal, paging)
    items = [
        NotificationOut(
            id=r["id"],
            kind=r["kind"],
            text=r["text"],
            link=r["link"],
            object_type=r["object_type"],
            object_id=r["object_id"],
            organization_id=r["organization"],
            account_id=r["account"],
            created_at=r["created_at"],
            read_at=r["read_at"],
            group_count=r["group_count"],
        )
        for r in rows
    ]
    return paging.page(items, total)


@get("/notifications/unread-count", tags=["notifications"])
async def unread_count(principal: NamedDependency[Principal]) -> UnreadOut:
    return UnreadOut(unread=await service.unread_count(principal))


@post("/notifications/read-all", tags=["notifications"], status_code=200)
async def read_all(principal: NamedDependency[Principal]) -> UnreadOut:
    await service.mark_all_read(principal)
    return UnreadOut(unread=await service.unread_count(principal))


@get("/notifications/preferences", tags=["notifications"])
async def get_preferences(principal: NamedDependency[Principal]) -> PreferencesOut:
    return msgspec.convert(await choices.preferences(principal), PreferencesOut)


@put("/notifications/preferences", tags=["notifications"])
async def put_preferences(principal: NamedDependency[Principal], data: JSONBody[PreferencesIn]) -> PreferencesOut:
    await choices.set_preferences(principal, [msgspec.structs.asdict(k) for k in data.kinds], data.quiet_hours)
    return msgspec.convert(await choices.preferences(principal), PreferencesOut)


@get("/notifications/contacts", tags=["notifications"])
async def list_contacts(principal: NamedDependency[Principal]) -> list[ContactOut]:
    return msgspec.convert(await choices.list_contacts(principal), list[ContactOut])


@post("/notifications/contacts", tags=["notifications"], status_code=201)
async def add_contact(principal: NamedDependency[Principal], data: JSONBody[ContactIn]) -> ContactOut:
    """Store an address and send it a code; it is used for delivery once verified."""
    return msgspec.convert(await choices.start_verification(principal, data.channel, data.address), ContactOut)


@post("/notifications/contacts/verify", tags=["notifications"], status_code=200)
async def verify_contact(principal: NamedDependency[Principal], data: JSONBody[VerifyIn]) -> ContactOut:
    return msgspec.convert(await choices.verify(principal, data.channel, data.code), ContactOut)


@post("/notifications/unsubscribe", tags=["notifications"], status_code=200)
async def unsubscribe(data: JSONBody[UnsubscribeIn]) -> UnsubscribeOut:
    """One step, no login: the token comes from the message's own unsubscribe link."""
    return msgspec.convert(await choices.unsubscribe(data.token), UnsubscribeOut)


@get("/notifications/deliveries", tags=["notifications"])
async def my_deliveries(
    principal: NamedDependency[Principal], paging: NamedDependency[PageRequest]
) -> Page[DeliveryOut]:
    rows, total = await logbook.my_deliveries(principal, paging)
    return paging.page(msgspec.convert(rows, list[DeliveryOut]), total)


@get("/notifications/delivery-stats", tags=["notifications"])
async def delivery_stats(principal: NamedDependency[Principal]) -> DeliveryStatsOut:
    return msgspec.convert(await logbook.statistics(principal), DeliveryStatsOut)


@get("/organizations/{organization_id:int}/robots", tags=["notifications"])
async def list_robots(principal: NamedDependency[Principal], organization_id: FromPath[int]) -> list[RobotOut]:
    return msgspec.convert(await robots.list_robots(principal, organization_id), list[RobotOut])


@post("/organizations/{organization_id:int}/robots", tags=["notifications"], status_code=201)
async def add_robot(
    principal: NamedDependency[Principal], organization_id: FromPath[int], data: JSONBody[RobotIn]
) -> RobotOut:
    row = await robots.add_robot(principal, organization_id, data.kind, data.token, data.secret, data.kinds)
    return msgspec.convert(row, RobotOut)


@delete("/organizations/{organization_id:int}/robots/{robot_id:int}", tags=["notifications"], status_code=204)
async def remove_robot(
    principal: NamedDependency[Principal], organization_id: FromPath[int], robot_id: FromPath[int]
) -> None:
    await robots.remove_robot(principal, organization_id, robot_id)


ROUTES = [
    list_notifications,
    unread_count,
    read_all,
    get_preferences,
    put_preferences,
    list_contacts,
    add_contact,
    verify_contact,
    unsubscribe,
    my_deliveries,
    delivery_stats,
    list_robots,
    add_robot,
    remove_robot,
]
