"""Seed step (``--size city`` only): a year of activity for a city of 1 200 communities, written with
bulk inserts so it takes minutes: about 50 000 needs, 10 000 offers, 20 000 rated matches, 10 000
volunteers and 100 000 sign-ups. The data is plausible rather than walked through the services (the
smaller sizes do that): statuses, deadlines and timestamps agree with each other, and about a tenth
of the needs are still open, so that a city-wide matching run has real work.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from jinlin.accounts.tables import Account
from jinlin.activities.tables import Activity, Shift, Signup
from jinlin.core import clock, db
from jinlin.core.db import insert_in_batches, write_transaction
from jinlin.core.security import hash_password
from jinlin.matches.tables import Match
from jinlin.needs.tables import Need
from jinlin.offers.tables import Offer
from jinlin.ratings.tables import Rating
from seeds import names
from seeds.demo import DEMO_PASSWORD, SeedContext

NEEDS, OFFERS, RATED_MATCHES, VOLUNTEERS, SHIFTS, SIGNUPS = 50_000, 10_000, 20_000, 10_000, 20_000, 100_000
CATEGORIES = [
    "elder_care",
    "disability_support",
    "child_care",
    "education",
    "health",
    "legal_aid",
    "home_repair",
    "environment",
    "safety",
    "culture_sports",
    "employment",
    "psychological",
    "materials",
    "other",
]
TITLES = {
    "elder_care": "助老服务",
    "disability_support": "助残陪护",
    "child_care": "儿童托管",
    "education": "课业辅导",
    "health": "健康义诊",
    "legal_aid": "法律咨询",
    "home_repair": "上门维修",
    "environment": "环境整治",
    "safety": "安全巡查",
    "culture_sports": "文体活动",
    "employment": "就业帮扶",
    "psychological": "心理疏导",
    "materials": "物资捐赠",
    "other": "其他帮扶",
}
COLOURS = [
    ("red", 0.1, timedelta(hours=2), timedelta(days=1)),
    ("orange", 0.2, timedelta(hours=12), timedelta(days=3)),
    ("yellow", 0.3, timedelta(days=1), timedelta(days=7)),
    ("green", 0.4, timedelta(days=3), timedelta(days=14)),
]


def _colour(rng: random.Random) -> tuple[str, timedelta, timedelta]:
    x = rng.random()
    for name, share, respond, resolve in COLOURS:
        if x < share:
            return name, respond, resolve
        x -= share
    return COLOURS[-1][0], COLOURS[-1][2], COLOURS[-1][3]


def _needs(ctx: SeedContext, now: datetime) -> list[Need]:
    rng = ctx.rng
    grids_by_community: dict[int, list[int]] = {}
    for g in ctx.ids["grids"]:
        grids_by_community.setdefault(int(g["path"].strip("/").split("/")[-2]), []).append(g["id"])
    rows = []
    for k in range(NEEDS):
        community = ctx.ids["community_orgs"][k % len(ctx.ids["community_orgs"])]
        grids = grids_by_community.get(community["area"]["id"]) or [community["area"]["id"]]
        colour, respond, resolve = _colour(rng)
        category = rng.choice(CATEGORIES)
        age = timedelta(days=rng.uniform(0, 365))
        published = now - age
        quantity = rng.randrange(1, 8)
        fresh = age < timedelta(days=20)
        responded = published + respond * rng.uniform(0.1, 1.6) if not fresh or rng.random() < 0.5 else None
        resolved = published + resolve * rng.uniform(0.2, 1.5) if not fresh and rng.random() < 0.85 else None
        if resolved is not None and responded is None:
            responded = published + respond * 0.5
        status = "closed" if resolved and rng.random() < 0.5 else "resolved" if resolved else "published"
        rows.append(
            Need(
                community_id=community["id"],
                area_id=rng.choice(grids),
                title=f"{TITLES[category]}{k}",
                description="",
                category=category,
                quantity=quantity,
                unit="人次",
                splittable=rng.random() < 0.7,
                urgency=rng.randrange(1, 4),
                importance=rng.randrange(1, 4),
                colour=colour,
                respond_by=published + respond,
                resolve_by=published + resolve,
                beneficiary_groups=[],
                status=status,
                quantity_matched=quantity if resolved else 0,
                quantity_done=quantity if resolved else 0,
                published_at=published,
                responded_at=responded,
                resolved_at=resolved,
                created_at=published,
                updated_at=resolved or responded or published,
            )
        )
    return rows


def _offers(ctx: SeedContext, now: datetime) -> list[Offer]:
    rng = ctx.rng
    units = ctx.ids["units"]
    rows = []
    for k in range(OFFERS):
        unit = units[k % len(units)]
        category = rng.choice(CATEGORIES)
        capacity = rng.randrange(2, 30)
        # A unit serves its own street (its home area), as most do.
        rows.append(
            Offer(
                organization_id=unit["id"],
                title=f"{unit['name']}{TITLES[category]}",
                description="",
                category=category,
                capacity=capacity,
                unit="人次",
                capacity_left=capacity - rng.randrange(0, capacity // 2 + 1),
                service_area_ids=[unit["area"]["id"]],
                radius_km=rng.choice([None, 5.0, 10.0]),
                skills=[],
                status="published" if rng.random() < 0.9 else "paused",
                created_at=now - timedelta(days=rng.uniform(0, 365)),
                updated_at=now,
            )
        )
    return rows


async def _rated_matches(ctx: SeedContext, needs: list[dict[str, Any]], offers: list[dict[str, Any]]) -> int:
    """Completed matches on resolved needs, each rated by the community (满意率 has data)."""
    rng = ctx.rng
    by_category: dict[str, list[dict[str, Any]]] = {}
    for o in offers:
        by_category.setdefault(o["category"], []).append(o)
    resolved = [n for n in needs if n["resolved_at"] is not None and by_category.get(n["category"])]
    rng.shuffle(resolved)
    matches = []
    for n in resolved[:RATED_MATCHES]:
        o = rng.choice(by_category[n["category"]])
        matches.append(
            Match(
                need_id=n["id"],
                offer_id=o["id"],
                community_id=n["community_id"],
                provider_id=o["organization_id"],
                quantity=n["quantity"],
                source="manual",
                reasons=[],
                status="completed",
                proposed_by="community",
                community_accepted_at=n["responded_at"],
                provider_accepted_at=n["responded_at"],
                started_at=n["responded_at"],
                completed_at=n["resolved_at"],
                created_at=n["responded_at"],
                updated_at=n["resolved_at"],
            )
        )
    await insert_in_batches(Match, matches)
    done = (
        await Match.select(Match.id, Match.community_id, Match.provider_id, Match.completed_at)
        .where(Match.status == "completed")
        .order_by(Match.id)
    )
    ratings = []
    for m in done[-len(matches) :]:
        score = rng.choices([5, 4, 3, 2, 1], [50, 30, 12, 5, 3])[0]
        ratings.append(
            Rating(
                subject_type="match",
                subject_id=m["id"],
                rater_side="community",
                rater_key=f"match:{m['id']}:community",
                rater_organization_id=m["community_id"],
                ratee_organization_id=m["provider_id"],
                score=score,
                timeliness=score,
                quality=score,
                communication=score,
                comment="",
                window_closes_at=m["completed_at"] + timedelta(days=14),
                created_at=m["completed_at"] + timedelta(days=1),
            )
        )
    await insert_in_batches(Rating, ratings)
    return len(ratings)


async def _volunteering(ctx: SeedContext, now: datetime) -> dict[str, int]:
    rng = ctx.rng
    password_hash = hash_password(DEMO_PASSWORD)
    await insert_in_batches(
        Account,
        [
            Account(
                username=f"cityvol{i:05d}",
                password_hash=password_hash,
                display_name=names.person(rng),
                phone=names.phone(rng),
                locale="zh_CN",
                skills=[],
                created_at=now,
                updated_at=now,
            )
            for i in range(VOLUNTEERS)
        ],
    )
    volunteer_ids = [r["id"] for r in await Account.select(Account.id).where(Account.username.like("cityvol%"))]
    organisers = ctx.ids["community_orgs"]
    activities = []
    for k in range(SHIFTS // 2):
        org = organisers[k % len(organisers)]
        day = now - timedelta(days=rng.uniform(-30, 335))
        activities.append(
            Activity(
                organizer=org["id"],
                title=f"志愿服务{k}",
                description="",
                category=rng.choice(CATEGORIES),
                area=org["area"]["id"],
                address=f"{org['area']['name']}活动中心",
                status="finished" if day < now else "published",
                created_at=day - timedelta(days=7),
                updated_at=day,
            )
        )
    await insert_in_batches(Activity, activities)
    activity_rows = await Activity.select(Activity.id, Activity.updated_at).where(Activity.title.like("志愿服务%"))
    shifts = []
    for a in activity_rows:
        for h in (1, 6):  # 09:00 and 14:00 in China, in UTC
            start = a["updated_at"].replace(hour=h, minute=0, second=0, microsecond=0)
            shifts.append(
                Shift(
                    activity=a["id"],
                    starts_at=start,
                    ends_at=start + timedelta(hours=3),
                    slots=6,
                    slots_left=1,
                    skills=[],
                    checkin_code=f"{rng.randrange(10**6):06d}",
                    created_at=now,
                )
            )
    await insert_in_batches(Shift, shifts)
    shift_rows = await Shift.select(Shift.id, Shift.starts_at, Shift.ends_at).order_by(Shift.id)
    signups = []
    for s in shift_rows[-len(shifts) :]:
        past = s["ends_at"] < now
        for v in rng.sample(volunteer_ids, SIGNUPS // len(shifts)):
            signups.append(
                Signup(
                    shift=s["id"],
                    volunteer=v,
                    status="completed" if past else "signed_up",
                    source="self",
                    checked_in_at=s["starts_at"] if past else None,
                    checked_out_at=s["ends_at"] if past else None,
                    minutes=180 if past else None,
                    created_at=s["starts_at"] - timedelta(days=3),
                    updated_at=s["ends_at"],
                )
            )
    await insert_in_batches(Signup, signups)
    return {
        "volunteers": len(volunteer_ids),
        "activities": len(activities),
        "shifts": len(shifts),
        "signups": len(signups),
    }


async def seed(ctx: SeedContext) -> None:
    if ctx.size != "city":
        return
    now = clock.now()
    async with write_transaction():
        await insert_in_batches(Need, _needs(ctx, now))
        await insert_in_batches(Offer, _offers(ctx, now))
    needs = (
        await Need.select(Need.id, Need.community_id, Need.category, Need.quantity, Need.responded_at, Need.resolved_at)
        .where(Need.title.like("%"))
        .order_by(Need.id)
    )
    offers = await Offer.select(Offer.id, Offer.organization_id, Offer.category).order_by(Offer.id)
    async with write_transaction():
        ratings = await _rated_matches(ctx, needs, offers)
    async with write_transaction():
        counts = await _volunteering(ctx, now)
    # Fresh statistics for the planner: PostgreSQL's still describe the empty tables after a bulk load (the city
    # KPI report's rating join took 18 s with them, 0.07 s after ANALYZE). On PostgreSQL VACUUM too: it sets
    # the visibility map, so counts (a list's ``total``) scan an index instead of the table (78 → 30 ms for the
    # needs list's count under load).
    await Need.raw("ANALYZE" if db.is_sqlite() else "VACUUM ANALYZE")
    ctx.counts.update(city_needs=len(needs), city_offers=len(offers), city_ratings=ratings, **counts)
