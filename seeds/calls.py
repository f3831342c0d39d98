"""Seed step: a few open calls (号召) from communities, with pledges (响应) from units of their street."""

from __future__ import annotations

from datetime import timedelta

from jinlin.calls.tables import Call, CallResponse
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.needs.tables import Need
from seeds.demo import SeedContext

CALLS = [
    ("防汛物资号召", ["materials"], 200, "袋"),
    ("冬季送温暖志愿者号召", ["elder_care"], 30, "人次"),
    ("社区义诊号召", ["health"], 10, "场"),
]


async def seed(ctx: SeedContext) -> None:
    rng, now = ctx.rng, clock.now()
    communities = ctx.ids["community_orgs"]
    units = ctx.ids["units"]
    responses = 0
    async with write_transaction():
        for k, (title, categories, quantity, unit) in enumerate(CALLS):
            issuer = communities[k % len(communities)]
            needs = (
                await Need.select(Need.id)
                .where(
                    (Need.community_id == issuer["id"])
                    & (Need.category == categories[0])
                    & (Need.status == "published")
                )
                .limit(3)
            )
            created = now - timedelta(hours=6 * (k + 1))
            call = Call(
                issuer_id=issuer["id"],
                area_id=issuer["area"]["id"],
                title=title,
                categories=categories,
                quantity=quantity,
                unit=unit,
                need_ids=[n["id"] for n in needs],
                respond_by=now + timedelta(days=3),
                status="open",
                created_at=created,
                updated_at=created,
            )
            await call.save()
            street_path = "/".join(issuer["area"]["path"].split("/")[:3]) + "/"
            near = [u for u in units if u["area"]["path"].startswith(street_path)][:3]
            pledged = 0
            for u in near:
                q = max(1, quantity // (len(near) + 1) + rng.randrange(0, 3))
                delay = rng.randrange(600, 6 * 3600)
                await CallResponse.insert(
                    CallResponse(
                        call_id=call.id,
                        organization_id=u["id"],
                        response_key=f"{call.id}:{u['id']}",
                        quantity=q,
                        note="收到，马上安排",
                        delay_s=delay,
                        created_at=created + timedelta(seconds=delay),
                        updated_at=created + timedelta(seconds=delay),
                    )
                )
                pledged += q
                responses += 1
            await Call.update({Call.quantity_pledged: pledged}).where(Call.id == call.id)
    ctx.counts.update(calls=len(CALLS), call_responses=responses)
