"""今日待办: the partners the caller's organisations still have to grade in an open round."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jinlin.core.i18n import translate
from jinlin.core.workbench import WorkItem
from jinlin.grading.service import GRADER_ROLES
from jinlin.grading.tables import GradingAssignment

if TYPE_CHECKING:
    from jinlin.auth.principal import Principal


async def items(principal: Principal) -> list[WorkItem]:
    orgs = list(principal.org_ids(GRADER_ROLES))
    if not orgs:
        return []
    rows = (
        await GradingAssignment.select(
            GradingAssignment.id,
            GradingAssignment.gradee.name.as_alias("gradee_name"),
            GradingAssignment.round.year.as_alias("year"),
            GradingAssignment.suggested_score,
        )
        .where(
            GradingAssignment.grader.is_in(orgs)
            & (GradingAssignment.status == "pending")
            & (GradingAssignment.round.status == "open")
        )
        .order_by(GradingAssignment.id)
        .limit(20)
    )
    return [
        WorkItem(
            group="To grade",
            title=r["gradee_name"],
            href=f"/grading/assignments/{r['id']}",
            detail=translate("Grading round {year}", year=r["year"]),
            priority=60,
        )
        for r in rows
    ]
