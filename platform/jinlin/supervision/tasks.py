"""Background jobs of supervision reports: generating one (progress on its row; claimed once, so a
duplicate or retried task does nothing), and the monthly reports of the areas that switched them on."""

from __future__ import annotations

from jinlin.core.celery import celery_app, run_body
from jinlin.supervision import service


async def generate_report_body(report_id: int) -> None:
    await service.generate(report_id)


@celery_app.task(name=service.GENERATE_TASK, acks_late=True)
def generate_report(report_id: int) -> None:
    run_body(generate_report_body, report_id)


async def monthly_reports_body() -> list[int]:
    return await service.monthly_reports()


@celery_app.task(name="jinlin.supervision.tasks.monthly_reports", acks_late=True)
def monthly_reports() -> list[int]:
    return run_body(monthly_reports_body)
