"""Figures that roll up the area tree: an area's population is its children's, summed, where those are known.

Rule (per area, bottom-up, in ``rolled_population`` and nowhere else): when any child has a known
(rolled-up) population, the area's is the sum of those; otherwise its own recorded population, or None.
So a community's population is the sum of its grids' once they are counted, and nobody types it twice.
"""

from __future__ import annotations

from typing import Any

from jinlin.areas.tables import Area


def rolled_population(
    area_id: int, own: dict[int, int | None], children: dict[int, list[int]], memo: dict[int, int | None] | None = None
) -> int | None:
    """THE population rule: the sum of the children's (rolled-up) figures where any child has one, else
    the area's own recorded figure (None when neither is known). Workload and the weakness index use it too."""
    memo = {} if memo is None else memo
    if area_id in memo:
        return memo[area_id]
    kids = [rolled_population(k, own, children, memo) for k in children.get(area_id, [])]
    known = [k for k in kids if k is not None]
    value = sum(known) if known else own.get(area_id)
    memo[area_id] = value
    return value


async def populations(area_ids: list[int]) -> dict[int, int | None]:
    """The rolled-up population of each area (None when nothing under it is known)."""
    if not area_ids:
        return {}
    roots = await Area.select(Area.id, Area.path).where(Area.id.is_in(sorted(set(area_ids))))
    if not roots:
        return {}
    clause: Any = Area.path.like(f"{roots[0]['path']}%")
    for r in roots[1:]:
        clause = clause | Area.path.like(f"{r['path']}%")
    rows = await Area.select(Area.id, Area.parent, Area.population).where(clause)
    own = {r["id"]: r["population"] for r in rows}
    children: dict[int, list[int]] = {}
    for r in rows:
        if r["parent"] is not None:
            children.setdefault(r["parent"], []).append(r["id"])
    memo: dict[int, int | None] = {}
    return {r["id"]: rolled_population(r["id"], own, children, memo) for r in roots}
