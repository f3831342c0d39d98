"""今日待办 from volunteer teams: join requests waiting for the team leader."""

from __future__ import annotations

from jinlin.auth.principal import Principal
from jinlin.core.workbench import WorkItem
from jinlin.volunteers import service


async def items(principal: Principal) -> list[WorkItem]:
    if not principal.has_role("team_leader"):
        return []
    pending = await service.list_join_requests(principal, "pending")
    return [
        WorkItem(group="Join requests", title=r.display_name, href="/volunteers/teams", priority=40, detail=r.team_name)
        for r in pending[:20]
    ]
