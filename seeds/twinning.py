"""Seed step: community profiles, helper profiles, and last year's active twinnings (结对帮扶)."""

from __future__ import annotations

from datetime import timedelta

from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.ratings.service import rater_key
from jinlin.ratings.tables import Rating
from jinlin.twinning.tables import CommunityProfile, HelperProfile, Twinning
from seeds.demo import SeedContext

HELPER_KINDS = ("enterprise", "agency", "village")


async def seed(ctx: SeedContext) -> None:
    rng, now = ctx.rng, clock.now()
    communities = ctx.ids["community_orgs"]
    helpers = [u for u in ctx.ids["units"] if u["kind"] in HELPER_KINDS]
    async with write_transaction():
        for org in communities:
            population = rng.randrange(3000, 15000)
            await CommunityProfile.insert(
                CommunityProfile(
                    community_id=org["id"],
                    population=population,
                    grid_workers=rng.randrange(2, 12),
                    funding_gap=rng.randrange(0, 60) * 10_000,
                    facility_gap=round(rng.uniform(0, 0.8), 2),
                    min_helpers=0,
                    max_helpers=rng.choice((1, 1, 2)),
                    created_at=now,
                    updated_at=now,
                )
            )
        for org in helpers:
            await HelperProfile.insert(
                HelperProfile(
                    organization_id=org["id"],
                    capacity=rng.choice((1, 1, 2, 3)),
                    staff_strength=round(rng.uniform(0.1, 0.9), 2),
                    funding_strength=round(rng.uniform(0.1, 0.9), 2),
                    facility_strength=round(rng.uniform(0.1, 0.9), 2),
                    service_strength=round(rng.uniform(0.1, 0.9), 2),
                    created_at=now,
                    updated_at=now,
                )
            )
        # Last year's pairs, still active: a third of the communities, each with a helper of its street.
        year = now.year - 1
        pairs = 0
        for org in communities[::3]:
            street_path = "/".join(org["area"]["path"].split("/")[:3]) + "/"
            near = [h for h in helpers if h["area"]["path"].startswith(street_path)] or helpers
            if not near:
                continue
            helper = near[pairs % len(near)]
            await Twinning.insert(
                Twinning(
                    helper_id=helper["id"],
                    community_id=org["id"],
                    period=year,
                    status="active",
                    pair_key=f"{year}:{helper['id']}:{org['id']}:seed",
                    reasons=["continues a current pair"],
                    accepted_at=now,
                    created_at=now,
                    updated_at=now,
                )
            )
            pairs += 1
        # Two years ago: pairs that ended and were rated by both sides (评价, visible to both).
        ended, rated = year - 1, 0
        for k, org in enumerate(communities[1::6][:4]):
            helper = helpers[(k * 5) % len(helpers)] if helpers else None
            if helper is None:
                break
            end = now.replace(year=ended, month=12, day=31)
            twin = Twinning(
                helper_id=helper["id"],
                community_id=org["id"],
                period=ended,
                status="ended",
                pair_key=f"{ended}:{helper['id']}:{org['id']}:seed",
                reasons=["continues a current pair"],
                accepted_at=end - timedelta(days=330),
                ended_at=end,
                created_at=end - timedelta(days=340),
                updated_at=end,
            )
            await twin.save()
            for side, rater, ratee in (("helper", helper, org), ("community", org, helper)):
                score = rng.choice((3, 4, 4, 5, 5))
                await Rating.insert(
                    Rating(
                        subject_type="twinning",
                        subject_id=twin.id,
                        rater_side=side,
                        rater_key=rater_key("twinning", twin.id, side),
                        rater_organization_id=rater["id"],
                        ratee_organization_id=ratee["id"],
                        score=score,
                        timeliness=score,
                        quality=score,
                        communication=rng.choice((3, 4, 5)),
                        comment="结对一年，配合顺畅",
                        window_closes_at=end + timedelta(days=30),
                        created_at=end + timedelta(days=rng.randrange(1, 20)),
                    )
                )
                rated += 1
            pairs += 1
    ctx.counts.update(
        community_profiles=len(communities), helper_profiles=len(helpers), twinnings=pairs, twinning_ratings=rated
    )
