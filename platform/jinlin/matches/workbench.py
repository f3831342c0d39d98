"""今日待办 from matches: proposals waiting for MY side, and completed matches my side has not rated yet."""

from __future__ import annotations

from datetime import timedelta

from piccolo.columns.combination import Combinable

from jinlin.auth.principal import COMMUNITY_ROLES, UNIT_ROLES, Principal
from jinlin.core import clock
from jinlin.core.workbench import WorkItem
from jinlin.matches.tables import Match
from jinlin.ratings.tables import Rating

RATE_WITHIN = timedelta(days=30)
SHOWN = 20


async def items(principal: Principal) -> list[WorkItem]:
    community, units = list(principal.org_ids(COMMUNITY_ROLES)), list(principal.org_ids(UNIT_ROLES))
    if not community and not units:
        return []
    sides: list[Combinable] = []
    if community:
        sides.append(Match.community_id.is_in(community) & Match.community_accepted_at.is_null())
    if units:
        sides.append(Match.provider_id.is_in(units) & Match.provider_accepted_at.is_null())
    waiting = sides[0] if len(sides) == 1 else sides[0] | sides[1]
    cols = (
        Match.id,
        Match.quantity,
        Match.need_id.title,
        Match.need_id.unit,
        Match.offer_id.organization_id.name,
        Match.community_id.name,
        Match.community_id,
        Match.provider_id,
        Match.need_id.resolve_by,
    )
    proposals = await Match.select(*cols).where((Match.status == "proposed") & waiting).order_by(Match.id).limit(SHOWN)
    out = [
        WorkItem(
            group="Proposals waiting for your side",
            title=r["need_id.title"],
            href=f"/matches/{r['id']}",
            due_at=r["need_id.resolve_by"],
            priority=20,
            detail=f"{r['quantity']} {r['need_id.unit']} · "
            f"{r['offer_id.organization_id.name'] if r['community_id'] in community else r['community_id.name']}",
        )
        for r in proposals
    ]
    since = clock.now() - RATE_WITHIN
    done = (
        await Match.select(*cols)
        .where(
            (Match.status == "completed")
            & (Match.completed_at >= since)
            & (Match.community_id.is_in(community or [0]) | Match.provider_id.is_in(units or [0]))
        )
        .limit(200)
    )
    if done:
        rated = {
            (r["subject_id"], r["rater_side"])
            for r in await Rating.select(Rating.subject_id, Rating.rater_side).where(
                (Rating.subject_type == "match") & Rating.subject_id.is_in([r["id"] for r in done])
            )
        }
        for r in done:
            side = "community" if r["community_id"] in community else "provider"
            if (r["id"], side) not in rated and len(out) < 2 * SHOWN:
                out.append(
                    WorkItem(
                        group="Ratings still to give", title=r["need_id.title"], href=f"/matches/{r['id']}", priority=60
                    )
                )
    return out
