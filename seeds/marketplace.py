"""Seed step: needs lists (需求清单), offers lists (资源清单), matches in every status, and ratings.

Everything goes through the services (so colours, deadlines, reservations, notifications and audit rows
are what the product would make). The demo accounts' community ("staff") and enterprise ("unit") get a
full set: a match in every status, one rated by both sides and one rated by one side only.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from jinlin.areas.tables import Area
from jinlin.auth.principal import MembershipInfo, Principal
from jinlin.core import clock
from jinlin.core.errors import DomainError
from jinlin.matches import rating
from jinlin.matches import service as matches
from jinlin.matches.schemas import Dimensions, RatingIn
from jinlin.matches.tables import Match
from jinlin.matches.tasks import PROPOSAL_TTL, expire_stale_proposals_body
from jinlin.needs.schemas import NeedIn
from jinlin.needs.service import cancel_need, close_need, create_need
from jinlin.offers.schemas import OfferIn
from jinlin.offers.service import create_offer, pause_offer, withdraw_offer
from seeds.demo import SeedContext

NEEDS = [
    ("独居老人助餐", "elder_care", 20, "人次", 3, 3, ["empty_nest_elderly"]),
    ("楼道杂物清理", "environment", 4, "次", 2, 2, []),
    ("困难家庭儿童课业辅导", "education", 10, "课时", 2, 3, ["children", "low_income"]),
    ("老旧小区水管维修", "home_repair", 3, "户", 3, 2, ["low_income"]),
    ("残疾人康复陪护", "disability_support", 6, "人次", 2, 2, ["disabled"]),
    ("租户法律咨询", "legal_aid", 2, "场", 1, 2, ["rental_housing", "floating_population"]),
    ("社区矫正对象心理疏导", "psychological", 4, "次", 2, 3, ["community_corrections"]),
    ("文化活动场地", "venue", 1, "处", 1, 1, []),
    ("防汛沙袋", "materials", 200, "袋", 3, 3, []),
]
OFFERS = {
    "enterprise": [
        ("员工志愿送餐", "elder_care", 40, "人次"),
        ("水电维修小分队", "home_repair", 10, "户"),
        ("防汛物资捐赠", "materials", 300, "袋"),
        ("会议室开放", "venue", 2, "处"),
    ],
    "agency": [("法律服务进社区", "legal_aid", 6, "场"), ("健康义诊", "health", 4, "场")],
    "village": [("农家蔬菜捐赠", "materials", 100, "斤"), ("村民互助维修", "home_repair", 5, "户")],
    "social_org": [("心理咨询师志愿服务", "psychological", 12, "次"), ("康复陪护", "disability_support", 8, "人次")],
    "volunteer_team": [("青年志愿清扫", "environment", 10, "次"), ("大学生课业辅导", "education", 30, "课时")],
}
ROLE = {"community": "community_staff"}


def _acting(org: dict[str, Any], account_id: int, role: str) -> Principal:
    """A principal acting for ``org`` (the demo account if it has one, else a stand-in for its staff)."""
    area = org["area"]
    return Principal(
        account_id=account_id,
        username=f"seed-{org['id']}",
        display_name=org["name"],
        locale="zh_CN",
        memberships=(MembershipInfo(org["id"], org["name"], org["kind"], role, area["id"], area["path"]),),
    )


async def _grids(community: dict[str, Any]) -> list[int]:
    rows = (
        await Area.select(Area.id)
        .where(Area.path.like(f"{community['area']['path']}%") & (Area.level == "grid"))
        .order_by(Area.id)
    )
    return [r["id"] for r in rows] or [community["area"]["id"]]


def _rating(score: int, comment: str) -> RatingIn:
    return RatingIn(
        score=score,
        dimensions=Dimensions(timeliness=score, quality=max(score - 1, 1), communication=score),
        comment=comment,
    )


async def _walk(match_id: int, community: Principal, provider: Principal, status: str) -> None:
    """Move a proposed match on to ``status`` the way people would."""
    if status == "declined":
        await matches.decline_match(provider, match_id)
        return
    if status == "proposed":
        return
    if status == "expired":
        # Left half-accepted for over a week; the expiry job (run at the end of the step) ends it.
        await matches.accept_match(provider, match_id)
        await Match.update({Match.created_at: clock.now() - PROPOSAL_TTL - timedelta(hours=1)}).where(
            Match.id == match_id
        )
        return
    await matches.accept_match(community, match_id)
    await matches.accept_match(provider, match_id)
    if status == "cancelled":
        await matches.cancel_match(community, match_id)
        return
    if status in ("in_progress", "completed", "rated", "half_rated"):
        await matches.start_match(provider, match_id)
    if status in ("completed", "rated", "half_rated"):
        await matches.complete_match(community, match_id)
    if status in ("rated", "half_rated"):
        await rating.rate_match(community, match_id, _rating(5, "服务及时，居民满意"))
    if status == "rated":
        await rating.rate_match(provider, match_id, _rating(4, "社区组织有序，配合很好"))


async def seed(ctx: SeedContext) -> None:
    rng = ctx.rng
    accounts = ctx.ids["accounts"]
    communities = ctx.ids["community_orgs"][:30]
    units = ctx.ids["units"][:40]
    demo_unit = next(u for u in ctx.ids["units"] if u["kind"] == "enterprise")
    if demo_unit not in units:
        units.append(demo_unit)
    offers_by_category: dict[str, list[tuple[int, Principal, dict[str, Any]]]] = {}
    n_offers = 0
    for i, unit in enumerate(units):
        provider = _acting(unit, accounts["unit"] if unit is demo_unit else accounts["leader"], "unit_liaison")
        for k, (title, category, capacity, unit_name) in enumerate(OFFERS.get(unit["kind"], [])):
            offer = await create_offer(
                provider,
                OfferIn(
                    organization_id=unit["id"],
                    title=title,
                    category=category,
                    capacity=capacity,
                    unit=unit_name,
                    service_area_ids=[] if k % 2 == 0 else [unit["area"]["id"]],
                    skills=[],
                    publish=True,
                ),
            )
            n_offers += 1
            offers_by_category.setdefault(category, []).append((offer.id, provider, unit))
            if i % 11 == 5 and k == 1:
                await pause_offer(provider, offer.id)
            elif i % 13 == 7 and k == 1:
                await withdraw_offer(provider, offer.id)
    n_needs = n_matches = 0
    statuses = [
        "rated",
        "half_rated",
        "completed",
        "in_progress",
        "accepted",
        "proposed",
        "declined",
        "cancelled",
        "expired",
    ]
    for c, community in enumerate(communities):
        demo = c == 0
        staff = _acting(community, accounts["staff"] if demo else accounts["community"], "community_staff")
        grids = await _grids(community)
        chosen = NEEDS if demo else rng.sample(NEEDS, 3)
        for j, (title, category, quantity, unit_name, urgency, importance, groups) in enumerate(chosen):
            need = await create_need(
                staff,
                NeedIn(
                    community_id=community["id"],
                    area_id=grids[j % len(grids)],
                    title=title,
                    category=category,
                    quantity=quantity,
                    unit=unit_name,
                    urgency=urgency,
                    importance=importance,
                    beneficiary_groups=groups,
                    publish=not (demo and j == len(chosen) - 1),
                ),
            )
            n_needs += 1
            if need.status == "draft":
                continue
            if demo and j == 7:
                await cancel_need(staff, need.id)
                continue
            candidates = [o for o in offers_by_category.get(category, []) if o[2] is demo_unit] if demo else []
            candidates = candidates or offers_by_category.get(category, [])
            if not candidates:
                continue
            offer_id, provider, _ = candidates[(c + j) % len(candidates)]
            status = statuses[j % len(statuses)] if demo else rng.choice([*statuses, "none", "none"])
            if status == "none":
                continue
            try:
                match = await matches.create_match(provider, need.id, offer_id, max(1, quantity // 2), "manual")
                await _walk(match.id, staff, provider, status)
            except DomainError:  # a paused or used-up offer just leaves this need unmatched
                continue
            n_matches += 1
            if demo and status == "rated" and j == 0:
                # A second match meets the rest, so the first need ends resolved, then closed.
                rest = quantity - max(1, quantity // 2)
                second = await matches.create_match(provider, need.id, offer_id, rest, "manual")
                await _walk(second.id, staff, provider, "completed")
                await close_need(staff, need.id)
                n_matches += 1
    await expire_stale_proposals_body()
    ctx.counts.update(needs=n_needs, offers=n_offers, matches=n_matches)
