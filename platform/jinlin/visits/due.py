"""When a household is due a visit: its last visit plus the shortest frequency among its focus groups.

A focus household never visited is due the day it was recorded. Overdue uses the one definition in
``core.deadlines``: the visit's resolve-by is the end of its due day, China time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Max

from jinlin.core.clock import LOCAL_TZ
from jinlin.core.deadlines import is_overdue
from jinlin.households.service import household_groups
from jinlin.visits.plans import plans_of
from jinlin.visits.schemas import DueItem
from jinlin.visits.tables import Visit


def local_date(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date()


def due_on(every_days: int, last_visited_on: date | None, recorded_on: date) -> date:
    return last_visited_on + timedelta(days=every_days) if last_visited_on else recorded_on


def due_by(day: date) -> datetime:
    """The end of ``day`` in China time: the visit's resolve-by."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=LOCAL_TZ)


def visit_overdue(now: datetime, day: date) -> bool:
    return is_overdue(now, is_open=True, respond_by=None, responded_at=None, resolve_by=due_by(day))


async def last_visits(household_ids: list[int], until: date | None = None) -> dict[int, date]:
    """Each household's last visit, counting only visits on or before ``until`` when given."""
    if not household_ids:
        return {}
    where: Any = Visit.household.is_in(household_ids)
    if until is not None:
        where &= Visit.visited_on <= until
    rows = (
        await Visit.select(Visit.household, Max(Visit.visited_on, alias="last")).where(where).group_by(Visit.household)
    )
    return {r["household"]: _as_date(r["last"]) for r in rows if r["last"] is not None}


def _as_date(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


async def due_items(households: list[dict[str, Any]], now: datetime) -> list[DueItem]:
    """Every focus household of ``households`` with its due date (households without focus groups need no visits),
    as things stood at ``now``: visits recorded for a later day do not count (a scorecard's past period)."""
    ids = [h["id"] for h in households]
    groups = await household_groups(ids)
    plans = await plans_of(sorted({h["community"] for h in households}))
    last = await last_visits(ids, until=local_date(now))
    today = local_date(now)
    items = []
    for h in households:
        if not groups[h["id"]]:
            continue
        every = min(plans[h["community"]].get(g, 30) for g in groups[h["id"]])
        day = due_on(every, last.get(h["id"]), local_date(h["created_at"]))
        late = visit_overdue(now, day)
        items.append(
            DueItem(
                household_id=h["id"],
                grid_id=h["grid"],
                grid_name=h.get("grid.name") or "",
                building=h["building"],
                door=h["door"],
                focus_groups=list(groups[h["id"]]),
                every_days=every,
                last_visited_on=last.get(h["id"]),
                due_on=day,
                overdue=late,
                days_overdue=(today - day).days if late else 0,
            )
        )
    return items
