"""Response shapes of /api/v1/scorecards (年度绩效)."""

from __future__ import annotations

import msgspec


class ScoreRowOut(msgspec.Struct):
    area_id: int
    name: str
    level: str
    values: dict[str, float | None]
    score: float | None
    rank: int | None
    previous_score: float | None
    change: float | None


class ScorecardOut(msgspec.Struct):
    area_id: int
    level: str
    year: int
    weights: dict[str, float]
    rows: list[ScoreRowOut]
