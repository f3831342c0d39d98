"""Request and response shapes of community and helper profiles and of /api/v1/twinnings."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from jinlin.core.schemas import Body
from jinlin.ratings.schemas import RatingListBase, ScoredRatingBody, ScoredRatingShown

Share = Annotated[float, Meta(ge=0, le=1)]
Count = Annotated[int, Meta(ge=0)]


class CommunityProfileIn(Body):
    population: Count
    grid_workers: Count
    funding_gap: Count = 0
    facility_gap: Share = 0.0
    min_helpers: Annotated[int, Meta(ge=0, le=10)] = 0
    max_helpers: Annotated[int, Meta(ge=0, le=10)] = 1
    note: Annotated[str, Meta(max_length=1000)] = ""


class CommunityProfileOut(msgspec.Struct):
    community_id: int
    community_name: str
    population: int
    grid_workers: int
    funding_gap: int
    facility_gap: float
    min_helpers: int
    max_helpers: int
    note: str
    weakness_index: float
    weakness: dict[str, float]
    updated_at: datetime | None


class HelperProfileIn(Body):
    capacity: Annotated[int, Meta(ge=0, le=50)]
    staff_strength: Share = 0.0
    funding_strength: Share = 0.0
    facility_strength: Share = 0.0
    service_strength: Share = 0.0
    note: Annotated[str, Meta(max_length=1000)] = ""


class HelperProfileOut(msgspec.Struct):
    organization_id: int
    organization_name: str
    kind: str
    capacity: int
    staff_strength: float
    funding_strength: float
    facility_strength: float
    service_strength: float
    note: str
    active_twinnings: int
    updated_at: datetime | None


class TwinningOut(msgspec.Struct):
    id: int
    helper_id: int
    helper_name: str
    community_id: int
    community_name: str
    period: int
    status: str
    run_id: int | None
    value: float | None
    reasons: list[str]
    accepted_at: datetime | None
    ended_at: datetime | None
    created_at: datetime
    updated_at: datetime


class TwinningRatingIn(ScoredRatingBody, kw_only=True):
    side: Literal["helper", "community"] | None = None  # needed only by someone who acts for both sides


class TwinningRatingOut(ScoredRatingShown, kw_only=True):
    rater_organization_id: int | None
    ratee_organization_id: int | None


class TwinningRatingList(RatingListBase, kw_only=True):
    items: list[TwinningRatingOut]
    sides: list[str]
    opens_at: datetime | None
