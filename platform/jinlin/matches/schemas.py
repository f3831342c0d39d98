"""Request and response shapes of /api/v1/matches and /api/v1/matches/{id}/ratings."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from jinlin.core.schemas import Body
from jinlin.needs.schemas import Quantity
from jinlin.ratings.schemas import RatingBody, RatingListBase, RatingShown, Score

Side = Literal["community", "provider"]


class MatchIn(Body):
    need_id: int
    offer_id: int
    quantity: Quantity
    reasons: list[Annotated[str, Meta(max_length=200)]] = []


class SideIn(Body):
    """Optional body of accept/decline/cancel: which side acts, for someone who belongs to both."""

    side: Side | None = None


class MatchOut(msgspec.Struct):
    id: int
    need_id: int
    offer_id: int
    community_id: int
    provider_id: int
    quantity: int
    source: str
    run_id: int | None
    reasons: list[str]
    status: str
    proposed_by: str
    community_accepted_at: datetime | None
    provider_accepted_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None
    ended_at: datetime | None
    created_at: datetime
    updated_at: datetime
    need_title: str = ""
    offer_title: str = ""
    unit: str = ""
    community_name: str = ""
    provider_name: str = ""


class Dimensions(Body):
    timeliness: Score
    quality: Score
    communication: Score


class RatingIn(RatingBody, kw_only=True):
    score: Score
    dimensions: Dimensions
    side: Side | None = None


class DimensionsOut(msgspec.Struct):
    timeliness: int | None
    quality: int | None
    communication: int | None


class RatingOut(RatingShown, kw_only=True):
    rater_organization_id: int | None
    ratee_organization_id: int | None
    dimensions: DimensionsOut


class RatingList(RatingListBase, kw_only=True):
    items: list[RatingOut]
