"""评价 of a twinning (结对帮扶) at the end of its period: the helper and the community rate each other once,
blind until both have rated or the window has closed (the shared rule in ``ratings.service``).

Rating opens when staff end the pair, or when its period (the calendar year) is over while it is still
active; the window then stays open for ``WINDOW_DAYS``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinlin.audit.service import record
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.clock import LOCAL_TZ
from jinlin.core.db import write_transaction
from jinlin.core.errors import Conflict, Forbidden, NotFound
from jinlin.notifications.service import notify
from jinlin.ratings import service as ratings
from jinlin.ratings.schemas import RatingView, shown_as
from jinlin.twinning.schemas import TwinningRatingIn, TwinningRatingList, TwinningRatingOut
from jinlin.twinning.service import _select, _visible
from jinlin.twinning.tables import Twinning

SUBJECT = "twinning"
WINDOW_DAYS = 30  # a year-long pairing: a month to look back on it
LOCAL = LOCAL_TZ
# Who speaks for each side: the helper's liaison or leader (or a helping community's admin); the community's staff.
HELPER_ROLES = frozenset({"unit_liaison", "team_leader", "community_admin"})
COMMUNITY_ROLES = frozenset({"community_admin", "community_staff"})


def sides_of(principal: Principal, row: dict[str, Any]) -> set[str]:
    sides = set()
    if principal.acts_for(row["helper_id"], HELPER_ROLES):
        sides.add("helper")
    if principal.acts_for(row["community_id"], COMMUNITY_ROLES):
        sides.add("community")
    return sides


def rating_opens_at(row: dict[str, Any]) -> datetime | None:
    """When the pair may be rated: when it ended, or the end of its period if it is still active."""
    if row["status"] == "ended":
        return row["ended_at"]
    if row["status"] == "active":
        return datetime(row["period"] + 1, 1, 1, tzinfo=LOCAL)
    return None


async def _row(principal: Principal, twinning_id: int) -> dict[str, Any]:
    row = await _select().where(Twinning.id == twinning_id).first()
    if row is None or not _visible(principal, row):
        raise NotFound("Twinning not found")
    return row


def _out(view: RatingView) -> TwinningRatingOut:
    return shown_as(view, TwinningRatingOut)


async def twinning_ratings(principal: Principal, twinning_id: int) -> TwinningRatingList:
    row = await _row(principal, twinning_id)
    sides = sides_of(principal, row)
    views = await ratings.ratings_for(SUBJECT, twinning_id, sides)
    opens = rating_opens_at(row)
    closes = ratings.window_closes(opens, WINDOW_DAYS) if opens else None
    rated = {v.rater_side for v in views}
    now = clock.now()
    can_rate = bool(opens and closes and opens <= now < closes and sides - rated)
    return TwinningRatingList(
        items=[_out(v) for v in views],
        can_rate=can_rate,
        sides=sorted(sides - rated),
        opens_at=opens,
        window_closes_at=closes,
    )


async def rate_twinning(principal: Principal, twinning_id: int, data: TwinningRatingIn) -> TwinningRatingOut:
    row = await _row(principal, twinning_id)
    sides = sides_of(principal, row)
    if not sides:
        raise Forbidden("Only the two sides rate a twinning")
    side = data.side or (sorted(sides)[0] if len(sides) == 1 else None)
    if side not in sides:
        raise Forbidden("Choose the side you rate for", {"side": "not a side you act for"})
    opens = rating_opens_at(row)
    if opens is None or clock.now() < opens:
        raise Conflict(
            "A twinning is rated when it has ended or its period is over",
            {"status": row["status"]},
            code="wrong_status",
        )
    rater, ratee = (
        (row["helper_id"], row["community_id"]) if side == "helper" else (row["community_id"], row["helper_id"])
    )
    scores = ratings.Scores(
        score=data.score,
        timeliness=data.timeliness,
        quality=data.quality,
        communication=data.communication,
        comment=data.comment,
    )
    async with write_transaction():
        rating_id = await ratings.add_rating(
            principal,
            subject_type=SUBJECT,
            subject_id=twinning_id,
            rater_side=side,
            scores=scores,
            completed_at=opens,
            rater_organization_id=rater,
            ratee_organization_id=ratee,
            rater_account_id=principal.account_id,
            window_days=WINDOW_DAYS,
        )
        await notify(
            kind="twinning_rated",
            title="{rater} rated your twinning; rate them to see it",
            organization_id=ratee,
            params={"rater": row["helper_name"] if side == "helper" else row["community_name"]},
            link=f"/twinnings/{twinning_id}",
            object_type="twinning",
            object_id=twinning_id,
        )
        await record(
            principal,
            "rate",
            "twinning",
            twinning_id,
            {"side": side},
            summary=f"{row['helper_name']} ↔ {row['community_name']} {row['period']}",
        )
    views = await ratings.ratings_for(SUBJECT, twinning_id, {side})
    return _out(next(v for v in views if v.id == rating_id))
