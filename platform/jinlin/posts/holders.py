"""Who is on post where, now: the read side other features (reports, visits, meetings) route by."""

from __future__ import annotations

from typing import Any

from jinlin.areas.tables import Area
from jinlin.posts.tables import GRID_WORKER_KINDS, Post


def _current():
    return Post.ends_at.is_null()


async def holders_of_area(area_id: int, kinds: frozenset[str] | None = None) -> list[dict[str, Any]]:
    """Current posts on exactly this area (optionally only some kinds), oldest first."""
    query = Post.select(*Post.all_columns(), Post.account.display_name.as_alias("account_name")).where(
        (Post.area == area_id) & _current()
    )
    if kinds:
        query = query.where(Post.kind.is_in(sorted(kinds)))
    return await query.order_by(Post.id)


async def enclosing_area(area_id: int, level: str) -> dict[str, Any] | None:
    """The area of ``level`` on the path from the root to ``area_id`` (itself included), or None."""
    area = await Area.select(Area.path).where(Area.id == area_id).first()
    if area is None:
        return None
    ids = [int(part) for part in area["path"].strip("/").split("/") if part]
    if not ids:
        return None
    return await Area.select().where(Area.id.is_in(ids) & (Area.level == level)).first()


async def grid_worker_accounts(grid_id: int) -> list[int]:
    """Accounts on a grid-worker post of this grid (the people a report or visit list goes to)."""
    rows = await Post.select(Post.account).where(
        (Post.area == grid_id) & _current() & Post.kind.is_in(sorted(GRID_WORKER_KINDS)) & Post.account.is_not_null()
    )
    return sorted({r["account"] for r in rows})


async def grid_ids_of_account(account_id: int) -> set[int]:
    """Grids the account currently holds a grid-worker post on (``grid_worker_accounts`` the other way round)."""
    rows = await Post.select(Post.area).where(
        (Post.account == account_id) & _current() & Post.kind.is_in(sorted(GRID_WORKER_KINDS))
    )
    return {r["area"] for r in rows if r["area"] is not None}


async def area_paths_of_account(account_id: int, kinds: frozenset[str] | None = None) -> list[str]:
    """Paths of the areas the account currently holds a post on (its duty scope)."""
    query = Post.select(Post.area.path.as_alias("path")).where((Post.account == account_id) & _current())
    if kinds:
        query = query.where(Post.kind.is_in(sorted(kinds)))
    return sorted({r["path"] for r in await query})
