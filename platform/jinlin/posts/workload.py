"""Workload and coverage (人在格上): residents per grid worker, open and overdue needs per worker, empty
posts, and the 社区分设 flag. Every figure comes from the area tree and the current posts alone.

Residents of an area follow the one population rule of ``areas.rollup.rolled_population``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jinlin.areas.rollup import rolled_population
from jinlin.areas.tables import Area
from jinlin.auth.principal import STAFF_ROLES, Principal
from jinlin.core import clock
from jinlin.core.deadlines import overdue_clause
from jinlin.core.errors import NotFound
from jinlin.households.counts import households_per_grid
from jinlin.needs.tables import Need
from jinlin.orgs.tables import Organization
from jinlin.posts import policy
from jinlin.posts.tables import GRID_WORKER_KINDS, Post

OPEN_NEED_STATUSES = ("published", "matched", "in_progress")
# The post each level must have; an area without one is listed as an empty post.
REQUIRED_POST = {
    "community": ("grid_chief",),
    "grid": tuple(sorted(GRID_WORKER_KINDS)),
    "compound": ("compound_party_secretary",),
    "building": ("building_head",),
}


@dataclass
class GridLoad:
    id: int
    name: str
    community_id: int
    residents: int
    households: int  # active households on record (households feature), a count only
    people_on_post: int
    grid_workers: int
    full_time_workers: int
    residents_per_full_time_worker: float | None
    open_needs: int
    overdue_needs: int
    open_needs_per_worker: float | None
    overdue_needs_per_worker: float | None
    no_grid_worker: bool
    buildings_without_head: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CommunityLoad:
    id: int
    name: str
    organization_id: int | None
    residents: int
    grids: int
    full_time_workers: int
    residents_per_full_time_worker: float | None
    open_needs: int
    overdue_needs: int
    split_flag: bool
    split_reasons: list[str]
    grid_loads: list[GridLoad] = field(default_factory=list)


@dataclass
class Workload:
    root: dict[str, Any]
    split_population: int
    split_residents_per_worker: int
    communities: list[CommunityLoad]
    empty_posts: list[dict[str, Any]]


def _residents(
    area_id: int, areas: dict[int, dict[str, Any]], children: dict[int, list[int]], memo: dict[int, int | None]
) -> int:
    own = {i: a["population"] for i, a in areas.items()}
    return rolled_population(area_id, own, children, memo) or 0


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 1) if b else None


def split_reasons(
    residents: int, per_worker: float | None, full_time: int, pop_limit: int, per_worker_limit: int
) -> list[str]:
    """Why a community should be split (社区分设): above either threshold; at it is not above."""
    reasons = []
    if residents > pop_limit:
        reasons.append("population")
    if residents > 0 and (full_time == 0 or (per_worker is not None and residents / full_time > per_worker_limit)):
        reasons.append("residents_per_worker")
    return reasons


async def _need_counts(paths: dict[int, str]) -> tuple[dict[int, int], dict[int, int]]:
    """Open and overdue needs per grid (by the need's area path)."""
    if not paths:
        return {}, {}
    now = clock.now()
    open_clause = Need.status.is_in(list(OPEN_NEED_STATUSES))
    late = overdue_clause(
        now,
        open_clause=open_clause,
        respond_by=Need.respond_by,
        responded_at=Need.responded_at,
        resolve_by=Need.resolve_by,
    )
    root = min(paths.values(), key=len).rsplit("/", 2)[0] + "/"
    rows_open = await Need.select(Need.area_id.path.as_alias("path")).where(
        open_clause & Need.area_id.path.like(f"{root}%")
    )
    rows_late = await Need.select(Need.area_id.path.as_alias("path")).where(late & Need.area_id.path.like(f"{root}%"))

    def count(rows: list[dict[str, Any]]) -> dict[int, int]:
        out: dict[int, int] = {}
        for r in rows:
            for gid, gpath in paths.items():
                if r["path"] and r["path"].startswith(gpath):
                    out[gid] = out.get(gid, 0) + 1
                    break
        return out

    return count(rows_open), count(rows_late)


async def workload(root_id: int) -> Workload:
    """The workload of every community and grid under ``root_id`` (a county, street or community)."""
    root = await Area.select().where(Area.id == root_id).first()
    if root is None:
        raise NotFound("Area not found")
    rows = await Area.select(Area.id, Area.name, Area.level, Area.parent, Area.path, Area.population).where(
        Area.path.like(f"{root['path']}%")
    )
    areas = {r["id"]: r for r in rows}
    memo: dict[int, int | None] = {}  # one rolled-up population per area for the whole pass
    children: dict[int, list[int]] = {}
    for r in rows:
        if r["parent"] is not None:
            children.setdefault(r["parent"], []).append(r["id"])
    posts = await Post.select(Post.area, Post.kind, Post.account, Post.contact_name).where(
        Post.area.path.like(f"{root['path']}%") & Post.ends_at.is_null()
    )
    on_area: dict[int, list[dict[str, Any]]] = {}
    for p in posts:
        on_area.setdefault(p["area"], []).append(p)
    pol = await policy.policy(await policy.county_of(root["path"]))
    grids = [r for r in rows if r["level"] == "grid"]
    open_n, late_n = await _need_counts({g["id"]: g["path"] for g in grids})
    homes = await households_per_grid({g["id"]: g["path"] for g in grids})
    communities: dict[int, CommunityLoad] = {}
    orgs = {
        o["area"]: o["id"]
        for o in await Organization.select(Organization.id, Organization.area).where(
            (Organization.kind == "community")
            & Organization.area.is_in([r["id"] for r in rows if r["level"] == "community"] or [-1])
        )
    }
    for r in sorted(rows, key=lambda r: r["path"]):
        if r["level"] == "community":
            communities.setdefault(
                r["id"],
                CommunityLoad(
                    id=r["id"],
                    name=r["name"],
                    organization_id=orgs.get(r["id"]),
                    residents=_residents(r["id"], areas, children, memo),
                    grids=0,
                    full_time_workers=0,
                    residents_per_full_time_worker=None,
                    open_needs=0,
                    overdue_needs=0,
                    split_flag=False,
                    split_reasons=[],
                ),
            )
    empty: list[dict[str, Any]] = []
    for r in sorted(rows, key=lambda r: r["path"]):
        if r["level"] in REQUIRED_POST and not any(
            p["kind"] in REQUIRED_POST[r["level"]] for p in on_area.get(r["id"], [])
        ):
            empty.append(
                {
                    "area_id": r["id"],
                    "name": r["name"],
                    "level": r["level"],
                    "kind": REQUIRED_POST[r["level"]][-1] if r["level"] != "grid" else "full_time_grid_worker",
                }
            )
    for g in grids:
        held = on_area.get(g["id"], [])
        workers = [p for p in held if p["kind"] in GRID_WORKER_KINDS]
        full_time = sum(1 for p in workers if p["kind"] == "full_time_grid_worker")
        residents = _residents(g["id"], areas, children, memo)
        inside = [areas[i] for i in areas if areas[i]["path"].startswith(g["path"]) and areas[i]["level"] == "building"]
        load = GridLoad(
            id=g["id"],
            name=g["name"],
            community_id=g["parent"],
            residents=residents,
            households=homes.get(g["id"], 0),
            people_on_post=len({p["account"] or f"c:{p['contact_name']}" for p in held}),
            grid_workers=len(workers),
            full_time_workers=full_time,
            residents_per_full_time_worker=_ratio(residents, full_time),
            open_needs=open_n.get(g["id"], 0),
            overdue_needs=late_n.get(g["id"], 0),
            open_needs_per_worker=_ratio(open_n.get(g["id"], 0), len(workers)),
            overdue_needs_per_worker=_ratio(late_n.get(g["id"], 0), len(workers)),
            no_grid_worker=not workers,
            buildings_without_head=[
                {"id": b["id"], "name": b["name"]}
                for b in inside
                if not any(p["kind"] == "building_head" for p in on_area.get(b["id"], []))
            ],
        )
        community = communities.get(g["parent"])
        if community is not None:
            community.grid_loads.append(load)
            community.grids += 1
            community.full_time_workers += full_time
            community.open_needs += load.open_needs
            community.overdue_needs += load.overdue_needs
    for c in communities.values():
        c.residents_per_full_time_worker = _ratio(c.residents, c.full_time_workers)
        c.split_reasons = split_reasons(
            c.residents,
            c.residents_per_full_time_worker,
            c.full_time_workers,
            pol.split_population,
            pol.split_residents_per_worker,
        )
        c.split_flag = bool(c.split_reasons)
    ranked = sorted(
        communities.values(),
        key=lambda c: (
            -(
                c.residents_per_full_time_worker
                if c.residents_per_full_time_worker is not None
                else float("inf")
                if c.residents
                else 0
            ),
            c.name,
        ),
    )
    return Workload(
        root=root,
        split_population=pol.split_population,
        split_residents_per_worker=pol.split_residents_per_worker,
        communities=ranked,
        empty_posts=empty,
    )


async def workload_for(principal: Principal, area_id: int) -> Workload:
    area = await Area.select(Area.path).where(Area.id == area_id).first()
    if area is None or not principal.covers_area(area["path"], STAFF_ROLES):
        raise NotFound("Area not found")
    return await workload(area_id)


async def community_figures(community_org_ids: list[int]) -> dict[int, dict[str, int]]:
    """Population and full-time grid workers per community organisation (for the weakness index)."""
    if not community_org_ids:
        return {}
    orgs = await Organization.select(Organization.id, Organization.area, Organization.area.path.as_alias("path")).where(
        Organization.id.is_in(community_org_ids) & (Organization.kind == "community")
    )
    out: dict[int, dict[str, int]] = {}
    loads: dict[int, Workload] = {}
    for o in orgs:
        county = await policy.county_of(o["path"])
        if county not in loads:  # one pass over the county's tree serves all its communities
            loads[county] = await workload(county)
        c = next((c for c in loads[county].communities if c.id == o["area"]), None)
        if c is not None:
            out[o["id"]] = {"population": c.residents, "grid_workers": c.full_time_workers}
    return out
