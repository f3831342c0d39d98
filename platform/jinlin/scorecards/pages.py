"""The performance scorecard page (年度绩效)."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from jinlin.auth.principal import STAFF_ROLES, Principal
from jinlin.core.nav import NavItem
from jinlin.core.pages import render
from jinlin.scorecards import service


@get("/scorecards", include_in_schema=False)
async def scorecards_page(
    principal: NamedDependency[Principal],
    level: FromQuery[str] = "community",
    area_id: FromQuery[int | None] = None,
    year: FromQuery[int | None] = None,
) -> Template:
    card = await service.scorecard(principal, level=level, area_id=area_id, year=year)
    return render("scorecards/index.html", principal, card=card, levels=service.LEVELS)


ROUTES = [scorecards_page]
NAV = [NavItem("Performance scorecards", "/scorecards", STAFF_ROLES, order=83)]
