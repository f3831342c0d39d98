"""双向评价 of a match: after completion each side rates the other once, blind (see ``ratings.service``)."""

from __future__ import annotations

from jinlin.audit.service import record
from jinlin.auth.principal import Principal
from jinlin.core.db import write_transaction
from jinlin.core.errors import Forbidden, WrongStatus
from jinlin.matches.schemas import DimensionsOut, RatingIn, RatingList, RatingOut
from jinlin.matches.service import _notify_side, _other, _pick_side, get_row, get_visible_row, rating_window_days
from jinlin.matches.service import sides_of as match_sides
from jinlin.ratings import service as ratings
from jinlin.ratings.schemas import RatingView
from jinlin.ratings.service import Scores


def _out(view: RatingView) -> RatingOut:
    # the match API nests the three dimensions (API.md); activities and twinning list them flat
    return RatingOut(
        id=view.id,
        rater_side=view.rater_side,
        rater_organization_id=view.rater_organization_id,
        ratee_organization_id=view.ratee_organization_id,
        score=view.score,
        dimensions=DimensionsOut(timeliness=view.timeliness, quality=view.quality, communication=view.communication),
        comment=view.comment,
        visible=view.visible,
        created_at=view.created_at,
    )


async def rate_match(principal: Principal, match_id: int, data: RatingIn) -> RatingOut:
    row = await get_visible_row(principal, match_id)
    side = _pick_side(principal, row, data.side, "rate")
    if row["status"] != "completed":
        raise WrongStatus("match", row["status"], "rate")
    rater, ratee = (
        (row["community_id"], row["provider_id"]) if side == "community" else (row["provider_id"], row["community_id"])
    )
    scores = Scores(
        score=data.score,
        timeliness=data.dimensions.timeliness,
        quality=data.dimensions.quality,
        communication=data.dimensions.communication,
        comment=data.comment,
    )
    window = await rating_window_days(row)
    async with write_transaction():
        rating_id = await ratings.add_rating(
            principal,
            subject_type="match",
            subject_id=match_id,
            rater_side=side,
            scores=scores,
            completed_at=row["completed_at"],
            rater_organization_id=rater,
            ratee_organization_id=ratee,
            rater_account_id=principal.account_id,
            window_days=window,
        )
        await _notify_side(row, _other(side), "match_rated", "The other side rated “{need}”; rate them to see it")
        await record(principal, "rate", "match", match_id, {"side": side}, summary=row["need_id.title"])
    views = await ratings.ratings_for("match", match_id, {side})
    return _out(next(v for v in views if v.id == rating_id))


async def match_ratings(principal: Principal, match_id: int) -> RatingList:
    row = await get_visible_row(principal, match_id)
    sides = match_sides(principal, row)
    views = await ratings.ratings_for("match", match_id, sides)
    rated = {v.rater_side for v in views}
    closes = None
    if row["completed_at"] is not None:
        closes = ratings.window_closes(row["completed_at"], await rating_window_days(row))
    from jinlin.core import clock

    can_rate = bool(row["status"] == "completed" and sides - rated and closes and clock.now() < closes)
    return RatingList(items=[_out(v) for v in views], can_rate=can_rate, window_closes_at=closes)


async def require_side(principal: Principal, match_id: int) -> set[str]:
    sides = match_sides(principal, await get_row(match_id))
    if not sides:
        raise Forbidden("Only the two sides rate")
    return sides
