"""The KPI page (三率) with a chart per sub-area and the deadline watch list."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from jinlin.auth.principal import STAFF_ROLES, Principal
from jinlin.core.nav import NavItem
from jinlin.core.pages import render
from jinlin.reports.service import kpi_report


@get("/reports", include_in_schema=False)
async def kpi_page(
    principal: NamedDependency[Principal],
    area_id: FromQuery[int | None] = None,
    period: FromQuery[str | None] = None,
) -> Template:
    report = await kpi_report(principal, area_id=area_id, period=period)
    chart = {
        "names": [a["name"] for a, _ in report.by_child],
        "response": [k.response_rate for _, k in report.by_child],
        "resolution": [k.resolution_rate for _, k in report.by_child],
        "satisfaction": [k.satisfaction_rate for _, k in report.by_child],
        "on_time": [k.on_time_rate for _, k in report.by_child],
    }
    return render("reports/kpis.html", principal, report=report, chart=chart, period=report.period.label)


ROUTES = [kpi_page]
NAV = [NavItem("KPIs and deadlines", "/reports", STAFF_ROLES, order=80)]
