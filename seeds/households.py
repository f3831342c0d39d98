"""Seed step: the first community's own records, clearly fictional: households by building and door,
residents in focus groups (names marked 演示, no ID numbers), visits in the past weeks, and grid meetings.

The demo account ``grid`` holds a 专职网格员 post on the first grid (unless the posts step already put one
there), so its visit list shows households due and overdue; the second grid held no meeting last month,
so the community's meeting page flags it.
"""

from __future__ import annotations

from datetime import timedelta

from jinlin.auth.service import load_principal
from jinlin.core import clock
from jinlin.households import keeping
from jinlin.households.schemas import HouseholdIn, ResidentIn
from jinlin.meetings.schemas import ActionItemIn, MeetingIn
from jinlin.meetings.service import hold_meeting
from jinlin.posts.tables import Post
from jinlin.visits.due import local_date
from jinlin.visits.schemas import VisitIn
from jinlin.visits.service import record_visit
from seeds.demo import SeedContext

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨"
GROUPS = [
    ["empty_nest_elderly"],
    ["disabled"],
    ["minimum_living_allowance"],
    ["empty_nest_elderly", "disabled"],
    ["floating_population", "rental_housing"],
    ["community_corrections"],
    [],
    ["released_prisoner"],
    [],
]
FINDINGS = ["身体状况稳定，生活能自理", "反映楼道灯不亮", "需要上门助餐", "子女每周探望", "电话联系正常"]


async def _post(account_id: int, grid: dict) -> None:
    if not await Post.exists().where((Post.account == account_id) & (Post.area == grid["id"]) & Post.ends_at.is_null()):
        await Post.insert(
            Post(
                area=grid["id"],
                kind="full_time_grid_worker",
                account=account_id,
                starts_at=clock.now(),
                created_at=clock.now(),
            )
        )


async def seed(ctx: SeedContext) -> None:
    rng = ctx.rng
    community = ctx.ids["communities"][0]
    grids = [g for g in ctx.ids["grids"] if g["path"].startswith(community["path"])][:2]
    for grid in grids:
        await _post(ctx.ids["accounts"]["grid"], grid)
    grid_worker = await load_principal(ctx.ids["accounts"]["grid"])
    admin = await load_principal(ctx.ids["accounts"]["community"])
    today = local_date(clock.now())
    households = 0
    for g, grid in enumerate(grids):
        for n in range(9 if g == 0 else 5):
            building, door = f"{n // 3 + 1}号楼", f"{n % 3 + 1}单元{rng.choice([1, 2, 3, 4, 5])}0{rng.randint(1, 2)}"
            household = await keeping.create_household(
                grid_worker, HouseholdIn(grid_id=grid["id"], building=building, door=door)
            )
            households += 1
            groups = GROUPS[n % len(GROUPS)]
            head = f"{SURNAMES[(n + 3 * g) % len(SURNAMES)]}某某（演示）"
            await keeping.add_resident(
                grid_worker,
                household.id,
                ResidentIn(
                    name=head,
                    gender=rng.choice(["male", "female"]),
                    birth_year=rng.randint(1936, 1975),
                    relation="户主",
                    phone=f"1380000{rng.randint(1000, 9999)}",
                    focus_groups=groups,
                    care_note="独居" if "empty_nest_elderly" in groups else "",
                    consent_contact=rng.random() < 0.8,
                ),
            )
            if n % 4 == 1:
                await keeping.add_resident(
                    grid_worker,
                    household.id,
                    ResidentIn(
                        name=f"{SURNAMES[(n + 5) % len(SURNAMES)]}某（演示）",
                        relation="配偶",
                        birth_year=rng.randint(1940, 1980),
                    ),
                )
            if groups and rng.random() < 0.6:
                days_ago = rng.randint(1, 20)
                await record_visit(
                    grid_worker,
                    VisitIn(
                        household_id=household.id,
                        visited_on=today - timedelta(days=days_ago),
                        method=rng.choice(["home", "phone"]),
                        findings=rng.choice(FINDINGS),
                    ),
                )
    first_of_month = today.replace(day=1)
    last_month = (first_of_month - timedelta(days=1)).replace(day=15)
    await hold_meeting(
        admin,
        MeetingIn(
            grid_id=grids[0]["id"],
            held_on=last_month,
            attendee_post_ids=[p["id"] for p in await Post.select(Post.id).where(Post.area == grids[0]["id"])],
            topics="1号楼楼道堆物；独居老人冬季取暖",
            decisions="本周内清理楼道；逐户检查取暖设施",
            action_items=[
                ActionItemIn(
                    title="清理1号楼楼道堆物", due_on=last_month + timedelta(days=7), owner_id=grid_worker.account_id
                ),
                ActionItemIn(title="联系物业检修2号楼路灯", due_on=today + timedelta(days=5)),
            ],
        ),
    )
    ctx.counts.update(households=households)
