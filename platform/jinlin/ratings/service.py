"""评价 rules, shared by every feature that rates: one rating per side, blind until both sides have rated
or the window has closed, never edited; and an organisation's reputation.

Callers (matches, twinning, activities) decide who the sides are and call ``add_rating`` inside their own
transaction, and ``ratings_for`` to show a subject's ratings to a viewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from jinlin.core import clock
from jinlin.core.errors import Conflict, Invalid
from jinlin.ratings.schemas import RatingView
from jinlin.ratings.tables import Rating

DEFAULT_WINDOW_DAYS = 14
# Reputation = (PRIOR_WEIGHT × PRIOR_MEAN + sum of scores) / (PRIOR_WEIGHT + n); see docs/marketplace.md.
PRIOR_MEAN = 3.5
PRIOR_WEIGHT = 5


@dataclass(frozen=True, slots=True)
class Scores:
    score: int
    timeliness: int
    quality: int
    communication: int
    comment: str = ""

    def check(self) -> None:
        errors = {
            k: "must be between 1 and 5"
            for k in ("score", "timeliness", "quality", "communication")
            if not 1 <= getattr(self, k) <= 5
        }
        if len(self.comment) > 1000:
            errors["comment"] = "at most 1000 characters"
        if errors:
            raise Invalid("Check the highlighted fields", errors)


def window_closes(completed_at: datetime, days: int = DEFAULT_WINDOW_DAYS) -> datetime:
    return completed_at + timedelta(days=days)


def rater_key(subject_type: str, subject_id: int, rater_side: str) -> str:
    return f"{subject_type}:{subject_id}:{rater_side}"


async def add_rating(
    actor: Any,
    *,
    subject_type: str,
    subject_id: int,
    rater_side: str,
    scores: Scores,
    completed_at: datetime,
    rater_organization_id: int | None = None,
    ratee_organization_id: int | None = None,
    rater_account_id: int | None = None,
    ratee_account_id: int | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> int:
    """Insert one side's rating (inside the caller's transaction). A second one by that side: Conflict.

    Rating is possible until the window closes; afterwards both sides' ratings (if any) are public.
    """
    scores.check()
    now = clock.now()
    closes = window_closes(completed_at, window_days)
    if now >= closes:
        raise Conflict("The rating window has closed", {"status": "window_closed"}, code="window_closed")
    key = rater_key(subject_type, subject_id, rater_side)
    if await Rating.exists().where(Rating.rater_key == key):
        raise Conflict("This side has already rated", {"rating": "already rated"}, code="already_rated")
    # The unique rater_key also stops two concurrent first ratings (the loser's transaction fails).
    rows = await Rating.insert(
        Rating(
            subject_type=subject_type,
            subject_id=subject_id,
            rater_side=rater_side,
            rater_key=key,
            rater_organization_id=rater_organization_id,
            ratee_organization_id=ratee_organization_id,
            rater_account_id=rater_account_id,
            ratee_account_id=ratee_account_id,
            score=scores.score,
            timeliness=scores.timeliness,
            quality=scores.quality,
            communication=scores.communication,
            comment=scores.comment.strip(),
            window_closes_at=closes,
            created_at=now,
        )
    ).returning(Rating.id)
    return rows[0]["id"]


def is_public(row: dict[str, Any], sides_rated: set[str], sides: int = 2, now: datetime | None = None) -> bool:
    """Public once every side has rated, or once the window has closed."""
    now = now or clock.now()
    closes = row["window_closes_at"]
    return len(sides_rated) >= sides or (closes is not None and now >= closes)


def visible_to(row: dict[str, Any], sides_rated: set[str], viewer_sides: set[str], sides: int = 2) -> bool:
    """A rater always sees their own rating; the other side's only after rating too, or after the window."""
    return row["rater_side"] in viewer_sides or is_public(row, sides_rated, sides)


async def ratings_for(subject_type: str, subject_id: int, viewer_sides: set[str], sides: int = 2) -> list[RatingView]:
    rows = (
        await Rating.select()
        .where((Rating.subject_type == subject_type) & (Rating.subject_id == subject_id))
        .order_by(Rating.id)
    )
    rated = {r["rater_side"] for r in rows}
    out = []
    for r in rows:
        shown = visible_to(r, rated, viewer_sides, sides)
        out.append(
            RatingView(
                id=r["id"],
                rater_side=r["rater_side"],
                rater_organization_id=r["rater_organization_id"],
                ratee_organization_id=r["ratee_organization_id"],
                rater_account_id=r["rater_account_id"],
                ratee_account_id=r["ratee_account_id"],
                visible=shown,
                score=r["score"] if shown else None,
                timeliness=r["timeliness"] if shown else None,
                quality=r["quality"] if shown else None,
                communication=r["communication"] if shown else None,
                comment=r["comment"] if shown else None,
                created_at=r["created_at"],
            )
        )
    return out


async def public_ratings(subject_type: str, subject_ids: list[int], rater_side: str) -> list[dict[str, Any]]:
    """``rater_side``'s ratings of these subjects that are already public (both sides rated, or the window
    closed): only these may feed a figure others can read, or one new rating would leak through it."""
    if not subject_ids:
        return []
    rows = await Rating.select().where((Rating.subject_type == subject_type) & Rating.subject_id.is_in(subject_ids))
    rated: dict[int, set[str]] = {}
    for r in rows:
        rated.setdefault(r["subject_id"], set()).add(r["rater_side"])
    return [r for r in rows if r["rater_side"] == rater_side and is_public(r, rated[r["subject_id"]])]


def bayesian_average(scores: list[int], prior_mean: float = PRIOR_MEAN, prior_weight: int = PRIOR_WEIGHT) -> float:
    return (prior_weight * prior_mean + sum(scores)) / (prior_weight + len(scores))


@dataclass(frozen=True, slots=True)
class Reputation:
    score: float
    count: int
    mean: float | None


async def reputations(organization_ids: list[int]) -> dict[int, Reputation]:
    """Each organisation's reputation over the public ratings it received (blind ones don't count yet)."""
    if not organization_ids:
        return {}
    rows = await Rating.select(
        Rating.subject_type,
        Rating.subject_id,
        Rating.rater_side,
        Rating.ratee_organization_id,
        Rating.score,
        Rating.window_closes_at,
    ).where(Rating.ratee_organization_id.is_in(list(organization_ids)))
    sides: dict[tuple[str, int], set[str]] = {(r["subject_type"], r["subject_id"]): set() for r in rows}
    ids = list({r["subject_id"] for r in rows})
    if ids:
        for other in await Rating.select(Rating.subject_type, Rating.subject_id, Rating.rater_side).where(
            Rating.subject_id.is_in(ids)
        ):
            key = (other["subject_type"], other["subject_id"])
            if key in sides:
                sides[key].add(other["rater_side"])
    public: dict[int, list[int]] = {org_id: [] for org_id in organization_ids}
    for r in rows:
        if is_public(r, sides[(r["subject_type"], r["subject_id"])]):
            public[r["ratee_organization_id"]].append(r["score"])
    return {
        org_id: Reputation(
            score=round(bayesian_average(scores), 2), count=len(scores), mean=round(sum(scores) / len(scores), 2)
        )
        if scores
        else Reputation(score=PRIOR_MEAN, count=0, mean=None)
        for org_id, scores in public.items()
    }


async def reputation(organization_id: int) -> Reputation:
    return (await reputations([organization_id]))[organization_id]
