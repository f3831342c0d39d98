"""今日待办 for street and county staff: the areas under them with the most overdue needs this week."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from piccolo.query.functions.aggregate import Count

from jinlin.areas.tables import Area
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.deadlines import overdue_clause
from jinlin.core.i18n import translate
from jinlin.core.workbench import WorkItem
from jinlin.needs.service import OPEN_STATUSES
from jinlin.needs.tables import Need

WORST_SHOWN = 3
WEEK = timedelta(days=7)


def _per_area(where: Any) -> Any:
    """Needs matching ``where`` counted per area path (a query, not yet run)."""
    return Need.select(Need.area_id.path, Count(alias="n")).where(where).group_by(Need.area_id.path)


async def items(principal: Principal) -> list[WorkItem]:
    out: list[WorkItem] = []
    now = clock.now()
    for m in principal.memberships:
        if m.role not in ("county_admin", "street_admin"):
            continue
        children = await Area.select(Area.id, Area.name, Area.path).where(Area.parent == m.area_id)
        if not children:
            continue
        in_area = Need.area_id.path.like(f"{m.area_path}%")
        late = _per_area(
            in_area
            & overdue_clause(
                now,
                open_clause=Need.status.is_in(list(OPEN_STATUSES)),
                respond_by=Need.respond_by,
                responded_at=Need.responded_at,
                resolve_by=Need.resolve_by,
            )
        )
        new = _per_area(in_area & (Need.created_at >= now - WEEK))
        # Counted per area in SQL (a city has tens of thousands of needs, a few thousand areas), then
        # added up per child: a need's child is the next step of its area's path ("/1/2/62/63/" → "/1/2/").
        child_of = {c["path"]: c["id"] for c in children}
        score = {c["id"]: [0, 0] for c in children}
        for rows, k in ((await late, 0), (await new, 1)):
            for r in rows:
                rest = r["area_id.path"][len(m.area_path) :]
                child = child_of.get(m.area_path + rest.split("/", 1)[0] + "/")
                if child is not None:
                    score[child][k] += r["n"]
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
