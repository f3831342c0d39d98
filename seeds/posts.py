"""Seed step: people on the grid (岗位). Every community, grid, compound and building is staffed, except a
few deliberate gaps (a grid without a grid worker, a building without a 楼栋长, a community without a
网格总长), and one overloaded community that the 社区分设 flag catches. Grid populations come from
splitting each community's population, so every workload figure follows from the tree and the posts.
"""

from __future__ import annotations

import math
from typing import Any

from jinlin.accounts.tables import Account
from jinlin.areas.tables import Area
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.posts.tables import DEFAULT_DEPARTMENTS, DutyCard, Post
from seeds import names
from seeds.demo import SeedContext

PER_WORKER = 1_100  # residents per full-time grid worker the seeded county staffs to
CAP = 9_600  # community populations stay under the 10,000 split threshold, except the overloaded one
OVERLOADED = 5  # the index of the overloaded community
GAPS = {"no_grid_worker": 2, "no_building_head": 3, "no_grid_chief": 4}


async def seed(ctx: SeedContext) -> None:
    rng, now = ctx.rng, clock.now()
    county = ctx.ids["county"]
    areas = (
        await Area.select(Area.id, Area.name, Area.level, Area.parent, Area.population)
        .where(Area.path.like(f"{county['path']}%"))
        .order_by(Area.id)
    )
    by_id = {a["id"]: a for a in areas}
    children: dict[int, list[dict[str, Any]]] = {}
    for a in areas:
        children.setdefault(a["parent"], []).append(a)
    accounts = ctx.ids["accounts"]
    demo_grid_worker = accounts.get("grid")
    demo_chief = accounts.get("community")
    posts: list[Post] = []
    cards: list[DutyCard] = []

    def contact(area_id: int, kind: str, department: str = "", name: str | None = None) -> None:
        posts.append(
            Post(
                area=area_id,
                kind=kind,
                department=department,
                contact_name=name or names.person(rng),
                contact_phone=names.phone(rng),
                starts_at=now,
                created_at=now,
            )
        )

    def holder(area_id: int, kind: str, account_id: int) -> None:
        posts.append(Post(area=area_id, kind=kind, account=account_id, starts_at=now, created_at=now))

    async with write_transaction():
        for index, community in enumerate(ctx.ids["communities"]):
            row = by_id[community["id"]]
            population = min(row["population"] or 6000, CAP) if index != OVERLOADED else 12_800
            await Area.update({Area.population: population}).where(Area.id == community["id"])
            grids = [g for g in children.get(community["id"], []) if g["level"] == "grid"]
            if index == 0 and demo_chief:
                holder(community["id"], "grid_chief", demo_chief)
            elif index != GAPS["no_grid_chief"]:
                contact(community["id"], "grid_chief")
            weights = [rng.uniform(0.7, 1.3) for _ in grids]
            shared = names.person(rng)  # one 民政 person covering every grid of the community (一对多)
            for g_index, grid in enumerate(grids):
                residents = int(population * weights[g_index] / sum(weights))
                await Area.update({Area.population: residents}).where(Area.id == grid["id"])
                if not (index == GAPS["no_grid_worker"] and g_index == 1):
                    contact(grid["id"], "grid_group_leader")
                    workers = 1 if index == OVERLOADED else max(1, math.ceil(residents / PER_WORKER))
                    for w in range(workers):
                        if index == 0 and g_index == 0 and w == 0 and demo_grid_worker:
                            holder(grid["id"], "full_time_grid_worker", demo_grid_worker)
                        else:
                            contact(grid["id"], "full_time_grid_worker")
                    if g_index % 2 == 0:
                        contact(grid["id"], "part_time_grid_worker")
                contact(grid["id"], "department_staff", "civil_affairs", shared)
                for dept in rng.sample(DEFAULT_DEPARTMENTS[2:], k=2 if index % 3 == 0 else 1):
                    contact(grid["id"], "department_staff", dept)
                for c_index, compound in enumerate(children.get(grid["id"], [])):
                    contact(compound["id"], "compound_party_secretary")
                    for b_index, building in enumerate(children.get(compound["id"], [])):
                        if not (index == GAPS["no_building_head"] and g_index == c_index == b_index == 0):
                            contact(building["id"], "building_head")
                cards.append(
                    DutyCard(
                        area=grid["id"],
                        service_hours="工作日 8:30-12:00, 14:00-17:30",
                        notice="有事找网格员，小事不出格，大事不出社区",
                        updated_at=now,
                    )
                )
        for start in range(0, len(posts), 500):
            await Post.insert(*posts[start : start + 500])
        for start in range(0, len(cards), 500):
            await DutyCard.insert(*cards[start : start + 500])
    ctx.counts["posts"] = len(posts)
    ctx.counts["accounts"] = await Account.count()
