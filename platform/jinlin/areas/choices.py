"""The one area helper: "in the subtree of" as a WHERE clause, and the areas a picker offers.

Paths are materialised (``/1/5/23/``), so a subtree is ``path LIKE '/1/5/%'``; every filter by area
subtree and every area picker goes through here instead of writing the loop again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from piccolo.columns import Column
from piccolo.columns.combination import Combinable

from jinlin.areas.tables import Area

PICKER_LEVELS = ("street", "community")


def within(column: Column, paths: Iterable[str]) -> Combinable | None:
    """``column`` (an area path, possibly reached through a join) lies under any of ``paths``; None for no paths."""
    clause: Combinable | None = None
    for p in paths:
        c = column.like(f"{p}%")
        clause = c if clause is None else clause | c
    return clause


async def area_options(
    *, levels: Sequence[str] | None = PICKER_LEVELS, paths: Iterable[str] | None = None, limit: int = 500
) -> list[dict[str, Any]]:
    """Areas for a picker (id, name, level, path) in tree order: of ``levels`` (None: all), under ``paths``
    (None: everywhere; empty: nothing)."""
    where: list[Any] = []
    if levels is not None:
        where.append(Area.level.is_in(list(levels)))
    if paths is not None:
        clause = within(Area.path, paths)
        if clause is None:
            return []
        where.append(clause)
    query = Area.select(Area.id, Area.name, Area.level, Area.path).order_by(Area.path).limit(limit)
    return await (query.where(*where) if where else query)


async def area_names(ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(ids))
    if not ids:
        return {}
    return {r["id"]: r["name"] for r in await Area.select(Area.id, Area.name).where(Area.id.is_in(ids))}


async def areas_and_children(ids: Iterable[int]) -> list[dict[str, Any]]:
    """Each of ``ids`` and the areas right below it (id, name, level, path), once each, in tree order."""
    ids = sorted(set(ids))
    if not ids:
        return []
    return await (
        Area.select(Area.id, Area.name, Area.level, Area.path)
        .where(Area.id.is_in(ids) | Area.parent.is_in(ids))
        .order_by(Area.path)
    )
