"""Who sees a report, who handles it, and who sees the resident's personal data (PIPL).

- See a report: staff covering its area (its community's staff and grid workers, its street's and county's
  admins) and anyone on a post of its grid. Everyone else gets 404.
- Handle it (accept from the queue): the grid's posts, and the community's staff.
- Personal data (phone, photos): the owner, the grid's posts and the community's admins; each view is audited.
- Chase and reassign (督办): admins of the level it escalated to, or above.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinlin.auth.principal import COMMUNITY_ROLES, Principal
from jinlin.posts.holders import grid_ids_of_account, grid_worker_accounts

LEVELS = ("grid", "community", "street", "county")
MAX_ID = 2**31 - 1  # ids are 32-bit serials on PostgreSQL; a bigger one names nothing (and must not reach the driver)


def storable(value: int | None) -> bool:
    return value is not None and 1 <= value <= MAX_ID


LEVEL_ADMIN = {"community": "community_admin", "street": "street_admin", "county": "county_admin"}


async def grid_posts(row: dict[str, Any]) -> list[int]:
    return await grid_worker_accounts(row["grid"]) if row.get("grid") else []


async def can_see(principal: Principal, row: dict[str, Any]) -> bool:
    if principal.covers_area(row["area.path"]):
        return True
    return principal.account_id in await grid_posts(row)


async def can_handle(principal: Principal, row: dict[str, Any]) -> bool:
    if row.get("community") and principal.acts_for(row["community"], COMMUNITY_ROLES):
        return True
    return principal.account_id in await grid_posts(row)


async def handler(principal: Principal, rows: list[dict[str, Any]]) -> Callable[[dict[str, Any]], bool]:
    """``can_handle`` for many ``rows`` at once: the principal's grids are asked for once (and only when some
    row is not already theirs by community), not once per row."""

    def by_community(row: dict[str, Any]) -> bool:
        return bool(row.get("community")) and principal.acts_for(row["community"], COMMUNITY_ROLES)

    grids: set[int] = set()
    if any(row.get("grid") and not by_community(row) for row in rows):
        grids = await grid_ids_of_account(principal.account_id)

    def can(row: dict[str, Any]) -> bool:
        return by_community(row) or (bool(row.get("grid")) and row["grid"] in grids)

    return can


async def sees_personal_data(principal: Principal, row: dict[str, Any]) -> bool:
    if row.get("owner") == principal.account_id:
        return True
    if row.get("community") and principal.acts_for(row["community"], frozenset({"community_admin"})):
        return True
    return principal.account_id in await grid_posts(row)


def supervises(principal: Principal, row: dict[str, Any]) -> bool:
    """An admin between the community and the level the report has reached, covering its area (督办)."""
    reached = max(LEVELS.index(row["level"]) if row["level"] in LEVELS else 0, 1)
    for level, role in LEVEL_ADMIN.items():
        if LEVELS.index(level) <= reached and principal.covers_area(row["area.path"], frozenset({role})):
            return True
    return False
