"""A run whose proposals outnumber what one statement may bind (PostgreSQL: 32767 parameters)."""

from __future__ import annotations

from factories import make_world, principal
from jinlin.core import clock
from jinlin.core.db import insert_in_batches
from jinlin.matches.tables import Match
from jinlin.needs.tables import Need
from jinlin.offers.tables import Offer
from jinlin.runs import service
from jinlin.runs.schemas import MatchRunIn

NEEDS = 10_050


async def test_a_run_with_more_than_ten_thousand_proposals_saves_them_all_once(engine):
    w = await make_world()
    now = clock.now()
    community, area = w.orgs["comm_a"], w.areas["grid_a1"]
    await insert_in_batches(
        Need,
        [
            Need(
                community_id=community["id"],
                area_id=area["id"],
                title=f"助老{k}",
                category="elder_care",
                quantity=1,
                unit="人次",
                splittable=True,
                colour="yellow",
                status="published",
                published_at=now,
                created_at=now,
                updated_at=now,
            )
            for k in range(NEEDS)
        ],
    )
    await insert_in_batches(
        Offer,
        [
            Offer(
                organization_id=w.orgs["enterprise"]["id"],
                title=f"助老队{k}",
                category="elder_care",
                capacity=2_100,
                capacity_left=2_100,
                unit="人次",
                status="published",
                created_at=now,
                updated_at=now,
            )
            for k in range(5)
        ],
    )
    row = await service.create_run(
        await principal("county"), MatchRunIn(kind="allocation", area_id=w.areas["county"]["id"])
    )
    await service.execute(row["id"])
    run = await service.get_row(row["id"])
    assert run["status"] == "succeeded", run["error"]
    pairs = await Match.select(Match.need_id, Match.offer_id).where(Match.run_id == row["id"])
    assert run["proposals"] == len(pairs) == NEEDS
    assert len({p["need_id"] for p in pairs}) == NEEDS
