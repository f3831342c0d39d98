"""The one family of rating structs: what every rating form takes and every rating shows.

Each feature that rates (matches, activities, twinning, resident reports) subclasses these under its own
name, so the API's schema names and fields stay as they were; the rules (1–5 scores, a comment of at most
1000 characters, what a viewer sees of a blind rating) are written once, here and in ``ratings.service``.
Bases are ``kw_only`` so a subclass may add required fields after the base's optional ones.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, TypeVar

import msgspec
from msgspec import Meta

from jinlin.core.schemas import Body

Score = Annotated[int, Meta(ge=1, le=5)]
Comment = Annotated[str, Meta(max_length=1000)]
DIMENSIONS = ("timeliness", "quality", "communication")


class RatingBody(Body, kw_only=True):
    """Every rating form: a free comment, optional."""

    comment: Comment = ""


class ScoredRatingBody(RatingBody, kw_only=True):
    """A rating with an overall score and the three dimensions, each 1–5."""

    score: Score
    timeliness: Score
    quality: Score
    communication: Score


class RatingShown(msgspec.Struct, kw_only=True):
    """A rating as a viewer sees it: blind ratings show ``visible`` false and no scores or comment."""

    id: int
    rater_side: str
    visible: bool
    score: int | None
    comment: str | None
    created_at: datetime


class ScoredRatingShown(RatingShown, kw_only=True):
    timeliness: int | None
    quality: int | None
    communication: int | None


class RatingView(ScoredRatingShown, kw_only=True):
    """All ``ratings.service.ratings_for`` knows of one rating; features show the part their API names."""

    rater_organization_id: int | None
    ratee_organization_id: int | None
    rater_account_id: int | None
    ratee_account_id: int | None


class RatingListBase(msgspec.Struct, kw_only=True):
    """A subject's ratings (``items``, typed by the subclass) and whether the viewer may still rate."""

    can_rate: bool
    window_closes_at: datetime | None


Shown = TypeVar("Shown", bound=msgspec.Struct)


def shown_as(view: RatingView, struct: type[Shown]) -> Shown:
    """``view`` as a feature's output struct: the fields that struct names, taken from the view."""
    return struct(**{name: getattr(view, name) for name in struct.__struct_fields__})
