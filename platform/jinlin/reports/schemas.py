from __future__ import annotations

from typing import Any

import msgspec


class KpiOut(msgspec.Struct):
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    on_time_rate: float | None
    counts: dict[str, int]


class KpiRow(msgspec.Struct):
    area_id: int
    name: str
    level: str
    kpis: KpiOut


class KpiReportOut(msgspec.Struct):
    period: str
    period_start: str
    period_end: str
    area_id: int | None
    organization_id: int | None
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    on_time_rate: float | None
    counts: dict[str, int]
    by_area: list[KpiRow]
    overdue_needs: int
    resident_reports: dict[str, Any] | None = None  # 接诉即办 figures: resident_reports.kpis.summary
