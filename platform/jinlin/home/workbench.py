"""今日待办 for street and county staff: the areas under them with the most overdue needs this week."""

from __future__ import annotations

from datetime import timedelta

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


async def items(principal: Principal) -> list[WorkItem]:
    out: list[WorkItem] = []
    now = clock.now()
    for m in principal.memberships:
        if m.role not in ("county_admin", "street_admin"):
            continue
        children = await Area.select(Area.id, Area.name, Area.path).where(Area.parent == m.area_id)
        if not children:
            continue
        late = await Need.select(Need.area_id.path).where(
            Need.area_id.path.like(f"{m.area_path}%")
            & overdue_clause(
                now,
                open_clause=Need.status.is_in(list(OPEN_STATUSES)),
                respond_by=Need.respond_by,
                responded_at=Need.responded_at,
                resolve_by=Need.resolve_by,
            )
        )
        new = await Need.select(Need.area_id.path).where(
            Need.area_id.path.like(f"{m.area_path}%") & (Need.created_at >= now - WEEK)
        )
        score = {c["id"]: [0, 0] for c in children}
        for rows, k in ((late, 0), (new, 1)):
            for r in rows:
                for c in children:
                    if r["area_id.path"].startswith(c["path"]):
                        score[c["id"]][k] += 1
                        break
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
