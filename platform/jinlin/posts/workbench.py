"""今日待办 items from posts and 报到: what a registered party member's communities need now."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jinlin.core.i18n import translate
from jinlin.core.workbench import WorkItem
from jinlin.posts.roster import member_feed

if TYPE_CHECKING:
    from jinlin.auth.principal import Principal


async def items(principal: Principal) -> list[WorkItem]:
    out: list[WorkItem] = []
    for community in await member_feed(principal):
        detail = translate("Needs of {community}, where you registered", community=community["name"])
        for need in community["needs"]:
            out.append(
                WorkItem(
                    group="Your registered communities",
                    title=need["title"],
                    href=f"/needs/{need['id']}",
                    due_at=need["resolve_by"],
                    colour=need["colour"],
                    detail=detail,
                    priority=70,
                )
            )
    return out
