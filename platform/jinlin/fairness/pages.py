"""The fairness section (以强帮弱) for county and street staff, and the before/after fragment on an
allocation run's result page."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from jinlin.auth.principal import Principal
from jinlin.core.nav import NavItem
from jinlin.core.pages import render
from jinlin.fairness import service


@get("/fairness", include_in_schema=False)
async def fairness_page(
    principal: NamedDependency[Principal], area_id: FromQuery[int | None] = None, period: FromQuery[str | None] = None
) -> Template:
    f = await service.fairness(principal, area_id, period)
    return render("fairness/index.html", principal, f=f, weakest=set(f.weakest_ids))


@get("/runs/{run_id:int}/fairness", include_in_schema=False)
async def run_fairness(principal: NamedDependency[Principal], run_id: FromPath[int]) -> Template:
    before, after = await service.run_fairness(principal, run_id)
    return render("fairness/_run.html", principal, before=before, after=after)


ROUTES = [fairness_page, run_fairness]
NAV = [NavItem("Fairness to weak communities", "/fairness", service.FAIRNESS_STAFF, order=84)]
