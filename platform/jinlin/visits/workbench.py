"""Overdue visits on the workbench (今日待办) and, through it, the 督办 list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jinlin.core.i18n import translate
from jinlin.core.workbench import WorkItem
from jinlin.visits.due import due_by
from jinlin.visits.service import visit_list

if TYPE_CHECKING:
    from jinlin.auth.principal import Principal

MAX_ITEMS = 20


async def items(principal: Principal) -> list[WorkItem]:
    """Each overdue household on the principal's visit duty: the address only, never a resident's name."""
    overdue = [i for i in await visit_list(principal, within_days=0) if i.overdue]
    overdue.sort(key=lambda i: (i.due_on, i.building, i.door))
    return [
        WorkItem(
            group="Overdue visits",
            title=f"{i.building} {i.door}".strip(),
            href=f"/visits/new/{i.household_id}",
            due_at=due_by(i.due_on),
            detail=translate("{t} overdue", t=translate("{n} d", n=i.days_overdue)) + f" · {i.grid_name}",
            priority=20,
        )
        for i in overdue[:MAX_ITEMS]
    ]
