"""Seed step: last year's two-way grading (双向定级考核), completed, with opinions and a few replies, and this
year's round opened through the service (pairs and suggested scores from the demo's own evidence)."""

from __future__ import annotations

from datetime import datetime

from jinlin.auth.service import load_principal
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.grading.config import config_for
from jinlin.grading.schemas import RoundIn
from jinlin.grading.service import CHINA, INSERT_BATCH, compute_results, open_round
from jinlin.grading.tables import GradeResult, GradingAssignment, GradingRound, OpinionReply
from jinlin.orgs.tables import Registration
from seeds.demo import SeedContext

OPINIONS = [
    "响应及时，希望继续保持",
    "活动组织得很好，群众满意",
    "沟通可以更主动一些",
    "希望提前告知物资到位时间",
    "",
    "服务专业，建议扩大覆盖面",
    "对接流程还可以再简化",
]
REPLIES = ["感谢肯定，我们会继续努力", "已收到意见，下季度起提前一周通知", "已安排专人对接"]
PAIRS_LIMIT = 80


async def seed(ctx: SeedContext) -> None:
    rng, now = ctx.rng, clock.now()
    year = now.astimezone(CHINA).year
    county = ctx.ids["county"]
    regs = (
        await Registration.select(Registration.community, Registration.organization)
        .where((Registration.kind == "unit") & Registration.organization.is_not_null())
        .order_by(Registration.id)
        .limit(PAIRS_LIMIT)
    )
    config = await config_for(county["id"], year - 1)
    keys = [i["key"] for i in config.rubric]
    async with write_transaction():
        opened, closed = datetime(year - 1, 12, 1, 9, tzinfo=CHINA), datetime(year, 1, 10, 17, tzinfo=CHINA)
        rows = await GradingRound.insert(
            GradingRound(
                county=county["id"],
                year=year - 1,
                round_key=f"{county['id']}:{year - 1}",
                status="closed",
                opened_at=opened,
                closed_at=closed,
            )
        ).returning(GradingRound.id)
        round_id = rows[0]["id"]
        assignments = []
        for r in regs:
            for grader, gradee, direction in (
                (r["community"], r["organization"], "community_to_unit"),
                (r["organization"], r["community"], "unit_to_community"),
            ):
                suggested = {k: rng.choice([3, 4, 4, 5]) for k in keys}
                scores = dict(suggested)
                reason = ""
                if rng.random() < 0.2:
                    scores[keys[0]] = max(1, suggested[keys[0]] - 1)
                    reason = "实际响应比记录的更慢"
                assignments.append(
                    GradingAssignment(
                        round=round_id,
                        grader=grader,
                        gradee=gradee,
                        direction=direction,
                        assignment_key=f"{round_id}:{grader}:{gradee}",
                        basis=["registered"],
                        evidence={"basis": ["registered"]},
                        suggested=suggested,
                        suggested_score=config.weighted(suggested),
                        status="graded",
                        scores=scores,
                        score=config.weighted(scores),
                        opinion=rng.choice(OPINIONS),
                        override_reason=reason,
                        graded_at=closed,
                    )
                )
        for i in range(0, len(assignments), INSERT_BATCH):
            await GradingAssignment.insert(*assignments[i : i + INSERT_BATCH])
        row = await GradingRound.select().where(GradingRound.id == round_id).first()
        results = await compute_results(row)
        if results:
            await GradeResult.insert(
                *[
                    GradeResult(
                        round=round_id,
                        organization=r["organization_id"],
                        result_key=f"{round_id}:{r['organization_id']}",
                        kind=r["kind"],
                        score=r["score"],
                        grade=r["grade"],
                        rank=r["rank"],
                        rank_of=r["rank_of"],
                        gradings=r["gradings"],
                    )
                    for r in results
                ]
            )
        with_opinion = (
            await GradingAssignment.select(GradingAssignment.id, GradingAssignment.gradee)
            .where((GradingAssignment.round == round_id) & (GradingAssignment.opinion != ""))
            .order_by(GradingAssignment.id)
        )
        replies = 0
        for a in with_opinion[::4]:
            await OpinionReply.insert(
                OpinionReply(assignment=a["id"], organization=a["gradee"], body=rng.choice(REPLIES), created_at=closed)
            )
            replies += 1
    county_admin = await load_principal(ctx.ids["accounts"]["county"])
    current = await open_round(county_admin, RoundIn(year=year, county_id=county["id"]))
    ctx.counts.update(
        grading_rounds=2,
        gradings_last_year=len(assignments),
        grades_last_year=len(results),
        grading_replies=replies,
        assignments_this_year=current.assignments,
    )
