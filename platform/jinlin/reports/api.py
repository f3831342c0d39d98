"""/api/v1/reports/kpis: 三率 (and the on-time rate) per area or organisation and period."""

from __future__ import annotations

from dataclasses import asdict

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromQuery

from jinlin.auth.principal import Principal
from jinlin.reports.contributions import feature_kpis
from jinlin.reports.schemas import KpiOut, KpiReportOut, KpiRow
from jinlin.reports.service import Kpis, kpi_report


def kpi_out(k: Kpis) -> KpiOut:
    return KpiOut(
        response_rate=k.response_rate,
        resolution_rate=k.resolution_rate,
        satisfaction_rate=k.satisfaction_rate,
        on_time_rate=k.on_time_rate,
        counts=asdict(k),
    )


@get("/reports/kpis", tags=["reports"])
async def kpis(
    principal: NamedDependency[Principal],
    area_id: FromQuery[int | None] = None,
    organization_id: FromQuery[int | None] = None,
    period: FromQuery[str | None] = None,
) -> KpiReportOut:
    report = await kpi_report(principal, area_id=area_id, organization_id=organization_id, period=period)
    total = kpi_out(report.total)
    return KpiReportOut(
        period=report.period.label,
        period_start=report.period.start.isoformat(),
        period_end=report.period.end.isoformat(),
        area_id=report.area["id"] if report.area else None,
        organization_id=report.organization["id"] if report.organization else None,
        response_rate=total.response_rate,
        resolution_rate=total.resolution_rate,
        satisfaction_rate=total.satisfaction_rate,
        on_time_rate=total.on_time_rate,
        counts=total.counts,
        by_area=[
            KpiRow(area_id=a["id"], name=a["name"], level=a["level"], kpis=kpi_out(k)) for a, k in report.by_child
        ],
        overdue_needs=report.overdue_count,
        resident_reports=(await feature_kpis(report.path, report.period)).get("resident_reports"),
    )


ROUTES = [kpis]
