"""走访覆盖率: the share of focus households visited on time, per grid, community and street.

Recomputed from the rows on every call (households, focus groups, plans, visits): no stored figure to drift.
"""

from __future__ import annotations

from datetime import datetime

from jinlin.areas.tables import Area
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.errors import NotFound
from jinlin.households import access
from jinlin.households.tables import Household
from jinlin.visits.due import due_items
from jinlin.visits.schemas import CoverageRow

LEVELS = ("county", "street", "community", "grid")


async def on_time_by_household(path: str, as_of: datetime) -> list[tuple[str, bool]]:
    """The one computation of coverage: every active focus household under ``path`` recorded before ``as_of``,
    as (its grid's path, visited on time at ``as_of``). The coverage page asks at now; a scorecard at its
    period's end, so a visit after the period does not count."""
    households = await access.household_select().where(
        Household.grid.path.like(f"{path}%") & (Household.status == "active") & (Household.created_at <= as_of)
    )
    paths = {h["id"]: h["grid.path"] for h in households}
    return [(paths[i.household_id], not i.overdue) for i in await due_items(households, as_of)]


async def coverage(principal: Principal, area_id: int, now: datetime | None = None) -> list[CoverageRow]:
    """The area itself and every street, community and grid below it (staff covering the area; no names)."""
    area = await access.area_of(area_id)
    if area is None or not principal.covers_area(area["path"]):
        raise NotFound("Area not found")
    items = await on_time_by_household(area["path"], now or clock.now())
    nodes = (
        await Area.select(Area.id, Area.name, Area.level, Area.path)
        .where(Area.path.like(f"{area['path']}%") & Area.level.is_in(list(LEVELS)))
        .order_by(Area.path)
    )
    rows = []
    for node in nodes:
        inside = [ok for grid_path, ok in items if grid_path.startswith(node["path"])]
        on_time = sum(inside)
        rows.append(
            CoverageRow(
                area_id=node["id"],
                area_name=node["name"],
                level=node["level"],
                focus_households=len(inside),
                on_time=on_time,
                rate=round(on_time / len(inside), 4) if inside else None,
            )
        )
    return rows
