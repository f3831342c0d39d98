"""今日待办 from needs: open needs in my areas that are overdue or nearly due, most urgent colour first."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from jinlin.areas.tables import Area
from jinlin.auth.principal import Principal
from jinlin.catalog.service import COLOUR_RANK
from jinlin.core import clock
from jinlin.core.i18n import translate
from jinlin.core.workbench import WorkItem
from jinlin.needs.service import OPEN_STATUSES, is_overdue
from jinlin.needs.tables import Need

NEARLY_DUE = timedelta(hours=24)
SHOWN = 20


def _due(row: dict[str, Any]) -> datetime | None:
    """The deadline that matters now: respond-by until someone responds, then resolve-by."""
    if row["respond_by"] is not None and row["responded_at"] is None and row["quantity_matched"] == 0:
        return row["respond_by"]
    return row["resolve_by"]


def _in_area(path: str) -> Any:
    """Needs in the subtree at ``path``. With a LIKE on the joined area's path SQLite walks the needs in
    deadline order: quick for a county (the first 200 come early), but for a street or a community of a city's
    50 000 needs it walks them all (a street: 390 ms, its 131 due needs never fill the 200). Below the county
    ("/1/2/", a street, and down), start from the subtree's areas instead (the street: 13 ms)."""
    if path.count("/") >= 3:
        return Need.area_id.is_in(Area.select(Area.id).where(Area.path.like(f"{path}%")))
    return Need.area_id.path.like(f"{path}%")


async def items(principal: Principal) -> list[WorkItem]:
    paths = principal.area_paths()
    if not paths:
        return []
    now = clock.now()
    soon = now + NEARLY_DUE
    in_scope = _in_area(paths[0])
    for p in paths[1:]:
        in_scope = in_scope | _in_area(p)
    due = (Need.resolve_by < soon) | ((Need.respond_by < soon) & Need.responded_at.is_null())
    rows = (
        await Need.select(*Need.all_columns(), Need.community_id.name)
        .where(in_scope & Need.status.is_in(list(OPEN_STATUSES)) & due)
        .order_by(Need.resolve_by)
        .limit(200)
    )
    out = []
    for r in sorted(rows, key=lambda r: (COLOUR_RANK.get(r["colour"], 9), _due(r) or soon))[:SHOWN]:
        late = is_overdue(r, now)
        out.append(
            WorkItem(
                group="Overdue needs" if late else "Needs due soon",
                title=r["title"],
                href=f"/needs/{r['id']}",
                due_at=_due(r),
                colour=r["colour"],
                priority=10 if late else 30,
                detail=translate(
                    "{community} · {open} of {quantity} open",
                    community=r["community_id.name"] or "",
                    open=max(r["quantity"] - r["quantity_matched"], 0),
                    quantity=r["quantity"],
                ),
            )
        )
    return out
