"""Seed step: residents' reports (接诉即办) in every state, some overdue and escalated.

The demo account ``grid`` takes a grid-worker post on its community's first grid (if the posts step gave it
none); the community's second grid stays unstaffed, so its reports wait in the community's duty queue.
Reports are filed and handled through the services with the clock set back, then the deadline job runs
once at the real time: the late ones get their reminders and escalate (督办).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from jinlin.areas.tables import Area
from jinlin.auth.service import load_principal
from jinlin.core import clock, ratelimit
from jinlin.posts.tables import Post
from jinlin.resident_reports import filing, service
from jinlin.resident_reports.schemas import ChaseIn, RatingIn, ReportIn, ResolveIn, ToNeedIn, TriageIn
from jinlin.resident_reports.tables import ResidentReport
from jinlin.resident_reports.tasks import enforce_deadlines_body
from seeds.demo import SeedContext

ADDRESS = "seed"
# (days ago, category, description, what happens next)
STORY = [
    (0.1, "environment", "3单元楼道堆放杂物，堵住了消防通道", "submitted"),
    (4.0, "facilities", "小区东门路灯不亮，晚上出行不便", "submitted"),  # never accepted: escalated
    (9.0, "safety", "车棚电动车飞线充电，存在火灾隐患", "submitted"),  # escalated twice, to the street
    (2.0, "safety", "楼顶防护栏松动", "accepted_red"),  # red: overdue to resolve, escalated and chased
    (1.0, "neighbours", "楼上装修噪音影响休息", "accepted"),
    (3.0, "facilities", "单元门禁损坏需要更换", "referred"),
    (1.5, "environment", "垃圾分类点异味较重", "resolved"),
    (6.0, "parking", "消防通道被私家车占用", "satisfied"),
    (5.0, "property", "电梯经常故障", "basically"),
    (7.0, "elder_care", "独居老人希望有人定期探望", "reopened"),
    (10.0, "environment", "绿化带杂草丛生", "unsatisfied_twice"),
    (45.0, "facilities", "健身器材损坏", "satisfied"),
    (75.0, "environment", "下水道堵塞", "basically"),
]


async def _buildings(grid_id: int) -> list[dict[str, Any]]:
    grid = await Area.select(Area.path).where(Area.id == grid_id).first()
    rows = await Area.select(Area.id, Area.level).where(Area.path.like(f"{grid['path']}%") & (Area.id != grid_id))
    return [r for r in rows if r["level"] == "building"] or [{"id": grid_id}]


async def _file(place: int, category: str, text: str, phone: str | None) -> dict[str, Any]:
    await ratelimit.reset()
    filed = await filing.file_report(
        ReportIn(area_id=place, category=category, description=text, consent=True, phone=phone), [], ADDRESS
    )
    return await ResidentReport.select().where(ResidentReport.code == filed.code).first()


async def _play(row: dict[str, Any], step: str, worker, admin, start: datetime) -> None:
    def at(hours: float) -> None:
        clock.set_clock(lambda: start + timedelta(hours=hours))

    rid = row["id"]
    # With one building per grid (the city size) a report can land on an earlier one of its kind and
    # be merged into it; a merged report has no story of its own to play.
    if step == "submitted" or row["status"] == "merged":
        return
    at(1)
    if step == "accepted_red":
        await service.accept(worker, rid, TriageIn(urgency=3, importance=3))
        at(30)
        await service.chase(admin, rid, ChaseIn(note="请尽快消除隐患"))
        return
    await service.accept(worker, rid, TriageIn(urgency=2, importance=2) if step != "accepted" else None)
    if step == "accepted":
        return
    if step == "referred":
        await service.to_need(worker, rid, ToNeedIn(title="更换单元门禁系统", category="home_repair"))
        return
    at(20)
    await service.resolve(worker, rid, ResolveIn(note="已现场处理并回访"))
    if step == "resolved":
        return
    rating = {"satisfied": "satisfied", "basically": "basically"}.get(step, "unsatisfied")
    at(26)
    await filing.rate(row["code"], RatingIn(satisfaction=rating))
    if step == "unsatisfied_twice":
        at(50)
        await service.resolve(worker, rid, ResolveIn(note="再次清理并安排定期巡查"))
        at(60)
        await filing.rate(row["code"], RatingIn(satisfaction="unsatisfied", comment="还是没有根本解决"))


async def seed(ctx: SeedContext) -> None:
    accounts = ctx.ids["accounts"]
    grid_id = ctx.ids["grids"][0]["id"]
    unstaffed_id = ctx.ids["grids"][1]["id"]
    if not await Post.exists().where((Post.account == accounts["grid"]) & Post.ends_at.is_null()):
        await Post.insert(
            Post(area=grid_id, kind="full_time_grid_worker", account=accounts["grid"], starts_at=clock.now())
        )
    worker = await load_principal(accounts["grid"])
    staff = await load_principal(accounts["staff"])
    admin = await load_principal(accounts["community"])
    buildings = await _buildings(grid_id)
    far = await _buildings(unstaffed_id)
    real_now = clock.now()
    latest: dict[str, int] = {}
    try:
        # Oldest first, as residents would have filed them.
        for i, (days, category, text, step) in enumerate(sorted(STORY, key=lambda s: -s[0])):
            start = real_now - timedelta(days=days)
            clock.set_clock(lambda start=start: start)
            place = buildings[i % len(buildings)]["id"]
            row = await _file(place, category, text, f"1390000{i:04d}" if i % 2 == 0 else None)
            latest[category] = place
            await _play(row, step, worker, admin, start)
        # A near-duplicate of the newest, and one from the unstaffed grid that a community clerk took on.
        clock.set_clock(lambda: real_now - timedelta(hours=1))
        await _file(latest["environment"], "environment", "楼道杂物没人清理", None)
        row = await _file(far[0]["id"], "facilities", "楼道窗户玻璃破损", "13900009999")
        await service.accept(staff, row["id"], TriageIn(urgency=2, importance=3))
    finally:
        clock.set_clock(None)
        await ratelimit.reset()
    await enforce_deadlines_body()
    ctx.counts["resident_reports"] = await ResidentReport.count()
