"""Needs and offers for run tests, inserted straight into the tables (the marketplace services are
tested on their own)."""

from __future__ import annotations

from typing import Any

from jinlin.core import clock
from jinlin.needs.tables import Need
from jinlin.offers.tables import Offer

REAPER_BOUND_S = 3  # JINLIN_RUN_REAPER_BOUND_S of the kill tests' workers


async def make_need(
    community: dict[str, Any],
    area: dict[str, Any],
    *,
    title: str = "助老",
    category: str = "elder_care",
    quantity: int = 3,
    colour: str = "yellow",
    splittable: bool = True,
    status: str = "published",
    **extra: Any,
) -> int:
    now = clock.now()
    need = Need(
        community_id=community["id"],
        area_id=area["id"],
        title=title,
        category=category,
        quantity=quantity,
        unit="人次",
        splittable=splittable,
        colour=colour,
        status=status,
        published_at=now,
        created_at=now,
        updated_at=now,
        **extra,
    )
    await need.save()
    return need.id


async def make_offer(
    org: dict[str, Any],
    *,
    title: str = "上门服务",
    category: str = "elder_care",
    capacity: int = 5,
    status: str = "published",
    **extra: Any,
) -> int:
    now = clock.now()
    offer = Offer(
        organization_id=org["id"],
        title=title,
        category=category,
        capacity=capacity,
        capacity_left=capacity,
        unit="人次",
        status=status,
        created_at=now,
        updated_at=now,
        **extra,
    )
    await offer.save()
    return offer.id


async def make_market(w) -> dict[str, int]:
    """A small market over the county: needs in three communities, offers from three units.

    The east street has more elder-care demand (8) than east capacity (enterprise 5); the village
    (west) serves only the west street through its service areas; the team serves child care.
    """
    a, o = w.areas, w.orgs
    ids = {
        "n_red": await make_need(o["comm_a"], a["grid_a1"], title="独居老人助餐", quantity=4, colour="red"),
        "n_green": await make_need(o["comm_b"], a["grid_b1"], title="老人陪聊", quantity=4, colour="green"),
        "n_west": await make_need(o["comm_c"], a["comm_c"], title="西街道助老", quantity=2, colour="orange"),
        "n_child": await make_need(
            o["comm_a"],
            a["comm_a"],
            title="课后托管",
            category="child_care",
            quantity=2,
            colour="yellow",
            splittable=False,
        ),
        "n_none": await make_need(
            o["comm_b"], a["comm_b"], title="法律咨询", category="legal_aid", quantity=1, colour="orange"
        ),
        "o_ent": await make_offer(o["enterprise"], title="员工志愿助老", capacity=5),
        "o_village": await make_offer(o["village"], title="村里助老队", capacity=4, service_area_ids=[a["west"]["id"]]),
        "o_team": await make_offer(o["team"], title="青年托管", category="child_care", capacity=3),
    }
    return ids
