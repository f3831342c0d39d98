"""/api/v1/scorecards: performance scores (年度绩效) per street, community or grid, ranked."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromQuery

from jinlin.auth.principal import Principal
from jinlin.scorecards import service
from jinlin.scorecards.schemas import ScorecardOut, ScoreRowOut


def scorecard_out(card: service.Scorecard) -> ScorecardOut:
    return ScorecardOut(
        area_id=card.root["id"],
        level=card.level,
        year=card.year,
        weights=card.weights,
        rows=[
            ScoreRowOut(
                area_id=r.area["id"],
                name=r.area["name"],
                level=r.area["level"],
                values=r.values,
                score=r.score,
                rank=r.rank,
                previous_score=r.previous,
                change=r.change,
            )
            for r in card.rows
        ],
    )


@get("/scorecards", tags=["reports"])
async def scorecards(
    principal: NamedDependency[Principal],
    level: FromQuery[str] = "community",
    area_id: FromQuery[int | None] = None,
    year: FromQuery[int | None] = None,
) -> ScorecardOut:
    """Every area of ``level`` (street, community, grid) under ``area_id`` for ``year``: each metric (0-1),
    the weighted score (0-100), its rank, and the change on the year before."""
    return scorecard_out(await service.scorecard(principal, level=level, area_id=area_id, year=year))


ROUTES = [scorecards]
