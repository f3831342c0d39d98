"""What street and county staff see of the records: counts per focus group and area, never names."""

from __future__ import annotations

from collections import defaultdict

from jinlin.auth.principal import Principal
from jinlin.core.errors import NotFound
from jinlin.households.access import area_of
from jinlin.households.schemas import CountsOut, GroupCount
from jinlin.households.tables import FocusMembership, Household


async def counts(principal: Principal, area_id: int) -> CountsOut:
    """Active households, residents and focus-group members under ``area_id`` (any staff covering it)."""
    area = await area_of(area_id)
    if area is None or not principal.covers_area(area["path"]):
        raise NotFound("Area not found")
    in_area = Household.grid.path.like(f"{area['path']}%") | (Household.grid == area_id)
    households = await Household.select(Household.member_count).where(in_area & (Household.status == "active"))
    rows = await FocusMembership.select(
        FocusMembership.grid,
        FocusMembership.grid.name.as_alias("grid_name"),
        FocusMembership.focus_group,
        FocusMembership.household,
    ).where(FocusMembership.grid.path.like(f"{area['path']}%") & (FocusMembership.resident.status == "active"))
    residents: dict[tuple[int, str, str], int] = defaultdict(int)
    homes: dict[tuple[int, str, str], set[int]] = defaultdict(set)
    by_group: dict[str, int] = defaultdict(int)
    for r in rows:
        key = (r["grid"], r["grid_name"], r["focus_group"])
        residents[key] += 1
        homes[key].add(r["household"])
        by_group[r["focus_group"]] += 1
    return CountsOut(
        area_id=area_id,
        households=len(households),
        residents=sum(h["member_count"] for h in households),
        by_group=dict(sorted(by_group.items())),
        rows=[
            GroupCount(area_id=k[0], area_name=k[1], focus_group=k[2], residents=n, households=len(homes[k]))
            for k, n in sorted(residents.items())
        ],
    )


async def households_per_grid(grids: dict[int, str]) -> dict[int, int]:
    """Active households on record per grid (``{grid id: path}``), counts only: for the posts' workload page."""
    if not grids:
        return {}
    rows = await Household.select(Household.grid).where(
        Household.grid.is_in(list(grids)) & (Household.status == "active")
    )
    out = dict.fromkeys(grids, 0)
    for r in rows:
        out[r["grid"]] += 1
    return out
