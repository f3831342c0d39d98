"""Request and response shapes of the grading API (双向定级考核)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from jinlin.core.schemas import Body

Score = Annotated[int, Meta(ge=1, le=5)]
Year = Annotated[int, Meta(ge=2000, le=2100)]


class RoundIn(Body):
    year: Year
    county_id: int | None = None


class RoundOut(msgspec.Struct):
    id: int
    county_id: int
    year: int
    status: str
    opened_at: datetime
    closed_at: datetime | None
    assignments: int
    graded: int


class GradeIn(Body):
    scores: dict[str, Score]
    opinion: Annotated[str, Meta(max_length=2000)] = ""
    override_reason: Annotated[str, Meta(max_length=1000)] = ""


class AssignmentOut(msgspec.Struct):
    id: int
    round_id: int
    year: int
    grader_id: int
    grader_name: str
    gradee_id: int
    gradee_name: str
    direction: str
    basis: list[str]
    evidence: dict[str, Any]
    suggested: dict[str, int]
    suggested_score: float
    status: str
    scores: dict[str, int]
    score: float | None
    opinion: str
    override_reason: str
    graded_at: datetime | None


class ResultOut(msgspec.Struct):
    organization_id: int
    organization_name: str
    kind: str
    score: float
    grade: str
    rank: int
    rank_of: int
    gradings: int


class OpinionOut(msgspec.Struct):
    assignment_id: int
    grader_id: int | None
    grader_name: str | None
    scores: dict[str, int]
    score: float | None
    opinion: str
    reply: str | None
    replied_at: datetime | None


class OrganizationGradingOut(msgspec.Struct):
    organization_id: int
    organization_name: str
    round_id: int
    year: int
    round_status: str
    result: ResultOut | None
    opinions: list[OpinionOut]
    can_reply: bool


class ReplyIn(Body):
    body: Annotated[str, Meta(min_length=1, max_length=2000)]


class RubricItemIn(Body):
    key: Annotated[str, Meta(pattern=r"^[a-z_]{2,30}$")]
    label: Annotated[str, Meta(min_length=1, max_length=40)]
    weight: Annotated[float, Meta(gt=0, le=100)] = 1.0
    sources: list[str] = []


class SettingsIn(Body):
    year_from: Year
    rubric: list[RubricItemIn] | None = None
    thresholds: dict[str, Annotated[float, Meta(ge=1, le=5)]] | None = None
    scorecard_weights: dict[str, Annotated[float, Meta(ge=0, le=100)]] | None = None
    show_grader: bool = False


class SettingsOut(msgspec.Struct):
    id: int | None
    county_id: int
    year_from: int | None
    rubric: list[dict[str, Any]]
    thresholds: dict[str, float]
    scorecard_weights: dict[str, float]
    show_grader: bool
