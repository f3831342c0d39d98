"""评价 after a shift: the volunteer rates the organiser and the organiser rates the volunteer, with the
marketplace's blind rule (``ratings.service``): neither sees the other's rating until both have rated
or the window has closed."""

from __future__ import annotations

from typing import Any

from jinlin.activities.schemas import RatingIn, RatingOut
from jinlin.activities.service import activity_row, can_manage, shift_row, signup_row
from jinlin.audit.service import record
from jinlin.auth.principal import Principal
from jinlin.core.db import write_transaction
from jinlin.core.errors import Conflict, Forbidden, NotFound
from jinlin.notifications.service import notify
from jinlin.ratings import service as ratings
from jinlin.ratings.schemas import shown_as

SUBJECT = "signup"


async def _sides(principal: Principal, signup_id: int) -> tuple[dict[str, Any], dict[str, Any], set[str]]:
    row = await signup_row(signup_id)
    activity = await activity_row(row["shift.activity"])
    sides = set()
    if row["volunteer"] == principal.account_id:
        sides.add("volunteer")
    if can_manage(principal, activity):
        sides.add("organizer")
    if not sides:
        raise NotFound("Signup not found")
    if len(sides) == 2:  # an organiser on their own shift: nobody rates their own work, from either side
        raise Forbidden("Nobody rates their own service", {"signup": "your own service"})
    return row, activity, sides


async def rate_signup(
    principal: Principal,
    signup_id: int,
    data: RatingIn,
    side: str | None = None,
) -> list[RatingOut]:
    """Rate the other side; ``side`` picks one when the caller could be either (an organiser on their own shift)."""
    row, activity, sides = await _sides(principal, signup_id)
    if side is not None and side not in sides:
        raise NotFound("Signup not found")
    if row["status"] != "completed":
        raise Conflict("Ratings open once the shift is completed", {"status": row["status"]}, code="wrong_status")
    shift = await shift_row(row["shift"])
    side = side or ("volunteer" if "volunteer" in sides else "organizer")
    scores = ratings.Scores(
        score=data.score,
        timeliness=data.timeliness,
        quality=data.quality,
        communication=data.communication,
        comment=data.comment,
    )
    async with write_transaction():
        if side == "volunteer":
            rating_id = await ratings.add_rating(
                principal,
                subject_type=SUBJECT,
                subject_id=signup_id,
                rater_side=side,
                scores=scores,
                completed_at=shift["ends_at"],
                rater_account_id=principal.account_id,
                ratee_organization_id=activity["organizer"],
            )
            await notify(
                kind="rated",
                title="A volunteer rated “{title}”",
                organization_id=activity["organizer"],
                params={"title": activity["title"]},
                object_type="signup",
                object_id=signup_id,
            )
        else:
            rating_id = await ratings.add_rating(
                principal,
                subject_type=SUBJECT,
                subject_id=signup_id,
                rater_side=side,
                scores=scores,
                completed_at=shift["ends_at"],
                rater_organization_id=activity["organizer"],
                ratee_account_id=row["volunteer"],
            )
            await notify(
                kind="rated",
                title="The organiser of “{title}” rated your service",
                account_id=row["volunteer"],
                params={"title": activity["title"]},
                object_type="signup",
                object_id=signup_id,
            )
        await record(
            principal, "rate", "signup", signup_id, {"rating": rating_id, "side": side}, summary=activity["title"]
        )
    return await signup_ratings(principal, signup_id)


async def signup_ratings(principal: Principal, signup_id: int) -> list[RatingOut]:
    _, _, sides = await _sides(principal, signup_id)
    views = await ratings.ratings_for(SUBJECT, signup_id, sides)
    return [shown_as(v, RatingOut) for v in views]
