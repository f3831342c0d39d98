"""今日待办 for street and county staff: the areas under them with the most overdue needs this week."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Count
from piccolo.query.methods.raw import Raw
from piccolo.querystring import QueryString

from jinlin.areas.tables import Area
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.db import is_sqlite
from jinlin.core.deadlines import overdue_clause
from jinlin.core.i18n import translate
from jinlin.core.workbench import WorkItem
from jinlin.needs.service import OPEN_STATUSES
from jinlin.needs.tables import Need

WORST_SHOWN = 3
WEEK = timedelta(days=7)


def _per_child(parent_path: str, where: Any) -> Raw:
    """Needs matching ``where`` counted per child area of ``parent_path`` (a query, not yet run).

    Counted per area path in SQL, then added up per child in SQL too: a need's child is its area's path up
    to the next "/" after the parent's ("/1/2/62/63/" under "/1/" → "/1/2/"). A city's county has thousands
    of areas with needs and a few dozen children: only the children's rows come back to Python."""
    per_area = Need.select(Need.area_id.path, Count(alias="n")).where(where).group_by(Need.area_id.path)
    start = len(parent_path) + 1
    find = "instr" if is_sqlite() else "strpos"
    return Raw(
        Need,
        QueryString(
            f'SELECT substr(t."area_id.path", 1, {start - 1} + {find}(substr(t."area_id.path", {start}), \'/\')) '
            "AS child, SUM(t.n) AS n FROM ({}) AS t GROUP BY child",
            per_area.querystrings[0],
        ),
    )


async def child_counts(parent_path: str, children: list[dict[str, Any]], now: datetime) -> dict[int, list[int]]:
    """Per child area (id): [overdue needs, needs created this week] in its subtree."""
    in_area = Need.area_id.path.like(f"{parent_path}%")
    late = _per_child(
        parent_path,
        in_area
        & overdue_clause(
            now,
            open_clause=Need.status.is_in(list(OPEN_STATUSES)),
            respond_by=Need.respond_by,
            responded_at=Need.responded_at,
            resolve_by=Need.resolve_by,
        ),
    )
    new = _per_child(parent_path, in_area & (Need.created_at >= now - WEEK))
    child_of = {c["path"]: c["id"] for c in children}
    score = {c["id"]: [0, 0] for c in children}
    for rows, k in ((await late, 0), (await new, 1)):
        for r in rows:
            child = child_of.get(r["child"])
            if child is not None:  # needs in the parent's own area count for no child
                score[child][k] += int(r["n"])
    return score


async def items(principal: Principal) -> list[WorkItem]:
    out: list[WorkItem] = []
    now = clock.now()
    for m in principal.memberships:
        if m.role not in ("county_admin", "street_admin"):
            continue
        children = await Area.select(Area.id, Area.name, Area.path).where(Area.parent == m.area_id)
        if not children:
            continue
        score = await child_counts(m.area_path, children, now)
        ranked = sorted((c for c in children if score[c["id"]][0]), key=lambda c: (-score[c["id"]][0], c["name"]))
        out += [
            WorkItem(
                group="Areas needing attention this week",
                title=c["name"],
                href=f"/needs?area_id={c['id']}",
                priority=35,
                colour="red",
                detail=translate(
                    "{late} overdue needs · {new} new this week", late=score[c["id"]][0], new=score[c["id"]][1]
                ),
            )
            for c in ranked[:WORST_SHOWN]
        ]
    return out
