"""The county's grading configuration with history (docs/grading.md): rubric, grade thresholds, scorecard
weights and whether opinions name their grader. Each version is in force from its ``year_from``; a year is
always computed with the version in force for it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jinlin.grading.tables import GradingRound, GradingSettings

# Evidence components a rubric item can draw its suggested score from (jinlin.grading.evidence).
COMPONENTS = ("ratings", "call_delay", "pledges_fulfilled", "on_time", "activity_hours", "twinning")
DEFAULT_RUBRIC: list[dict[str, Any]] = [
    {
        "key": "responsiveness",
        "label": "Responsiveness",
        "weight": 1.0,
        "sources": ["call_delay", "pledges_fulfilled", "on_time"],
    },
    {"key": "quality", "label": "Quality", "weight": 1.0, "sources": ["ratings", "on_time"]},
    {
        "key": "cooperation",
        "label": "Cooperation",
        "weight": 1.0,
        "sources": ["activity_hours", "twinning", "pledges_fulfilled"],
    },
]
DEFAULT_THRESHOLDS = {"excellent": 4.5, "good": 3.5, "fair": 2.5}
GRADES = ("excellent", "good", "fair", "poor")  # 优秀 良好 一般 较差
DEFAULT_SCORECARD_WEIGHTS = {
    "response_rate": 1.0,
    "resolution_rate": 1.0,
    "on_time_rate": 1.0,
    "satisfaction_rate": 1.0,
    "calls_answered": 1.0,
    "twinning_active": 0.5,
    "grading": 2.0,
}


@dataclass(frozen=True)
class Config:
    rubric: list[dict[str, Any]] = field(default_factory=lambda: [dict(i) for i in DEFAULT_RUBRIC])
    thresholds: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    scorecard_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SCORECARD_WEIGHTS))
    show_grader: bool = False
    version_id: int | None = None
    year_from: int | None = None

    def grade(self, score: float) -> str:
        for name in GRADES[:-1]:
            if score >= self.thresholds[name]:
                return name
        return "poor"

    def weighted(self, items: Mapping[str, float]) -> float:
        """The overall score of per-item scores, weighted by the rubric (2 decimals)."""
        present = [i for i in self.rubric if i["key"] in items]  # an item added later is left out
        total = sum(i["weight"] for i in present)
        return round(sum(i["weight"] * items[i["key"]] for i in present) / total, 2) if total else 0.0


def _from_row(row: dict[str, Any]) -> Config:
    return Config(
        rubric=row["rubric"] or [dict(i) for i in DEFAULT_RUBRIC],
        thresholds={**DEFAULT_THRESHOLDS, **(row["thresholds"] or {})},
        scorecard_weights=row["scorecard_weights"] or dict(DEFAULT_SCORECARD_WEIGHTS),
        show_grader=row["show_grader"],
        version_id=row["id"],
        year_from=row["year_from"],
    )


async def config_for(county_id: int, year: int) -> Config:
    """The version in force for ``year``: the latest one whose ``year_from`` is at most ``year``."""
    row = (
        await GradingSettings.select()
        .where((GradingSettings.county == county_id) & (GradingSettings.year_from <= year))
        .order_by(GradingSettings.year_from, ascending=False)
        .order_by(GradingSettings.id, ascending=False)
        .first()
        .output(load_json=True)
    )
    return _from_row(row) if row else Config()


async def history(county_id: int) -> list[dict[str, Any]]:
    return (
        await GradingSettings.select()
        .where(GradingSettings.county == county_id)
        .order_by(GradingSettings.year_from, ascending=False)
        .order_by(GradingSettings.id, ascending=False)
        .output(load_json=True)
    )


async def closed_years(county_id: int) -> set[int]:
    rows = await GradingRound.select(GradingRound.year).where(
        (GradingRound.county == county_id) & (GradingRound.status == "closed")
    )
    return {r["year"] for r in rows}
