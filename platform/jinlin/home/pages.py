"""The home page: what each role needs first (its community, its unit, or its area's overview)."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.response import Template

from jinlin.auth.principal import Principal
from jinlin.core.nav import NavItem
from jinlin.core.pages import render
from jinlin.home import service


@get("/", include_in_schema=False)
async def home(principal: NamedDependency[Principal]) -> Template:
    return render("home/home.html", principal, home=await service.home_for(principal))


ROUTES = [home]
NAV = [NavItem("Home", "/", frozenset(), order=0)]
