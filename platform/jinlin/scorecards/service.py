"""年度绩效: one score per community, street or grid for a year, from the registered metrics weighted by the
county's settings of that year (jinlin.grading.config), with a ranking and the change on the year before
(computed with the year before's own settings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jinlin.areas.tables import Area
from jinlin.auth.principal import STAFF_ROLES, Principal
from jinlin.core import clock
from jinlin.core.errors import Invalid, NotFound
from jinlin.grading.config import config_for
from jinlin.grading.service import year_span
from jinlin.reports.period import CHINA
from jinlin.scorecards.metric import Metric
from jinlin.scorecards.registry import metrics

LEVELS = ("street", "community", "grid")


@dataclass
class ScoreRow:
    area: dict[str, Any]
    values: dict[str, float | None]
    score: float | None
    rank: int | None = None
    previous: float | None = None

    @property
    def change(self) -> float | None:
        return None if self.score is None or self.previous is None else round(self.score - self.previous, 1)


@dataclass
class Scorecard:
    root: dict[str, Any]
    level: str
    year: int
    metrics: list[Metric]
    weights: dict[str, float]
    rows: list[ScoreRow] = field(default_factory=list)


def county_id_of(path: str) -> int:
    return int(path.strip("/").split("/")[0])


def weighted_score(values: dict[str, float | None], weights: dict[str, float]) -> float | None:
    """Σ weight × value ÷ Σ weight over the metrics with a value, as 0-100 (1 decimal)."""
    present = [(weights[k], v) for k, v in values.items() if v is not None and weights.get(k, 0) > 0]
    total = sum(w for w, _ in present)
    return round(100 * sum(w * v for w, v in present) / total, 1) if total else None


def rank(rows: list[ScoreRow]) -> None:
    scored = [r.score for r in rows if r.score is not None]
    for r in rows:
        r.rank = None if r.score is None else 1 + sum(1 for s in scored if s > r.score)


async def compute(root: dict[str, Any], level: str, year: int) -> Scorecard:
    """The scorecard of every area of ``level`` under ``root`` for ``year`` (no scope check)."""
    areas = (
        await Area.select(Area.id, Area.name, Area.level, Area.path)
        .where((Area.level == level) & Area.path.like(f"{root['path']}%"))
        .order_by(Area.path)
    )
    config = await config_for(county_id_of(root["path"]), year)
    chosen = [m for m in metrics() if level in m.levels]
    weights = {m.key: float(config.scorecard_weights.get(m.key, m.default_weight)) for m in chosen}
    start, end = year_span(year)
    values: dict[int, dict[str, float | None]] = {a["id"]: {} for a in areas}
    for m in chosen:
        got = await m.compute(areas, start, end)
        for a in areas:
            values[a["id"]][m.key] = got.get(a["id"])
    rows = [ScoreRow(area=a, values=values[a["id"]], score=weighted_score(values[a["id"]], weights)) for a in areas]
    rank(rows)
    return Scorecard(root=root, level=level, year=year, metrics=chosen, weights=weights, rows=rows)


async def scorecard(
    principal: Principal, *, level: str = "community", area_id: int | None = None, year: int | None = None
) -> Scorecard:
    if level not in LEVELS:
        raise Invalid("Unknown level", {"level": f"one of {', '.join(LEVELS)}"})
    if area_id is None:
        m = principal.primary
        if m is None or not principal.is_staff:
            raise NotFound("No area to report on")
        area_id = m.area_id
    root = await Area.select(Area.id, Area.name, Area.level, Area.path).where(Area.id == area_id).first()
    if root is None or not principal.covers_area(root["path"], STAFF_ROLES):
        raise NotFound("Area not found")
    year = year or clock.now().astimezone(CHINA).year
    if not 2000 <= year <= 2100:
        raise Invalid("Bad year", {"year": "between 2000 and 2100"})
    card = await compute(root, level, year)
    before = {r.area["id"]: r.score for r in (await compute(root, level, year - 1)).rows}
    for r in card.rows:
        r.previous = before.get(r.area["id"])
    card.rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.area["path"]))
    return card
