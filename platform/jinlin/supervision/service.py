"""督查通报 rules: street and county admins generate a report for an area and period (a background job with
progress, claimed once, safe to run twice), read and download the archive, and publish a report to the
organisations concerned; a monthly report per area can be switched on."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from piccolo.columns import Column

from jinlin.areas.tables import Area
from jinlin.audit.service import record
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import Conflict, Forbidden, Invalid, NotFound, WrongStatus
from jinlin.notifications.service import notify
from jinlin.orgs.tables import Organization
from jinlin.reports.period import CHINA, parse_period
from jinlin.supervision import figures, render
from jinlin.supervision.tables import SupervisionReport, SupervisionSchedule

SUPERVISORS = frozenset({"county_admin", "street_admin"})
STALE = timedelta(minutes=15)
GENERATE_TASK = "jinlin.supervision.tasks.generate_report"
# Every column but the files: lists and pages never load PDFs.
LIGHT = [c for c in SupervisionReport._meta.columns if c._meta.name not in ("pdf", "xlsx")]


def _select():
    return SupervisionReport.select(
        *LIGHT, SupervisionReport.area.name.as_alias("area_name"), SupervisionReport.area.path.as_alias("area_path")
    ).output(load_json=True)


def visible(principal: Principal, row: dict[str, Any]) -> bool:
    published = row["published_at"] is not None and bool(principal.org_ids() & set(row["published_to"] or []))
    return principal.covers_area(row["area_path"], SUPERVISORS) or published


async def get_report(principal: Principal, report_id: int) -> dict[str, Any]:
    row = await _select().where(SupervisionReport.id == report_id).first()
    if row is None or not visible(principal, row):
        raise NotFound("Report not found")
    return row


async def list_reports(principal: Principal, limit: int = 50) -> list[dict[str, Any]]:
    rows = await _select().order_by(SupervisionReport.id, ascending=False).limit(500)
    return [r for r in rows if visible(principal, r)][:limit]


async def _office(principal: Principal, area_path: str) -> str:
    """The issuing office: the caller's organisation whose area holds the report's area."""
    for m in sorted(principal.memberships, key=lambda m: -len(m.area_path)):
        if m.role in SUPERVISORS and area_path.startswith(m.area_path):
            return m.organization_name
    return ""


async def create_report(principal: Principal, area_id: int, period: str | None) -> dict[str, Any]:
    area = await Area.select().where(Area.id == area_id).first()
    if area is None or not principal.covers_area(area["path"], SUPERVISORS):
        raise NotFound("Area not found")
    if area["level"] not in ("county", "street", "community"):
        raise Invalid(
            "Reports are for a county, street or community", {"area_id": "choose a county, street or community"}
        )
    span = parse_period(period)
    now = clock.now()
    async with write_transaction():
        rows = await SupervisionReport.insert(
            SupervisionReport(
                area=area_id,
                period=span.label,
                period_start=span.start,
                period_end=span.end,
                report_key=f"manual:{uuid.uuid4().hex}",
                kind="manual",
                author=principal.account_id,
                issuing_office=await _office(principal, area["path"]),
                created_at=now,
            )
        ).returning(SupervisionReport.id)
        report_id = rows[0]["id"]
        await record(
            principal,
            "create",
            "supervision_report",
            report_id,
            {"area_id": [None, area_id], "period": [None, span.label]},
            summary=f"{area['name']} {span.label}",
        )
    await launch(report_id)
    return await get_report(principal, report_id)


async def launch(report_id: int) -> None:
    """Hand the report to a worker, or (eager) generate it here; progress is kept on the row."""
    from jinlin.core.celery import celery_app

    if celery_app.conf.task_always_eager:
        await generate(report_id)
        return
    # Sent by name: the tasks module imports this one, not the other way round.
    celery_app.send_task(GENERATE_TASK, args=[report_id])


# ------------------------------------------------------------------ the background job


async def claim(report_id: int) -> dict[str, Any] | None:
    """queued → running (or take over a running one that stopped advancing); None when someone else has it."""
    now = clock.now()
    async with write_transaction():
        done = (
            await SupervisionReport.update(
                {
                    SupervisionReport.status: "running",
                    SupervisionReport.phase: "start",
                    SupervisionReport.progress: 0.05,
                }
            )
            .where(
                (SupervisionReport.id == report_id)
                & (
                    (SupervisionReport.status == "queued")
                    | ((SupervisionReport.status == "running") & (SupervisionReport.created_at < now - STALE))
                )
            )
            .returning(SupervisionReport.id)
        )
    if not done:
        return None
    return (
        await SupervisionReport.select(*LIGHT, SupervisionReport.area.name.as_alias("area_name"))
        .where(SupervisionReport.id == report_id)
        .first()
    )


async def advance(report_id: int, progress: float, phase: str) -> None:
    await SupervisionReport.update(
        {SupervisionReport.progress: round(progress, 3), SupervisionReport.phase: phase}
    ).where((SupervisionReport.id == report_id) & (SupervisionReport.status == "running"))


async def generate(report_id: int) -> None:
    """Collect the figures, render the PDF and the XLSX, keep them with the report."""
    row = await claim(report_id)
    if row is None:
        return
    try:
        area = await Area.select().where(Area.id == row["area"]).first()
        assert area is not None  # a report's area is a foreign key
        span = parse_period(row["period"])

        async def progress(value: float, phase: str) -> None:
            await advance(report_id, value, phase)

        data = await figures.collect(area, span, progress)
        await advance(report_id, 0.75, "pdf")
        pdf, pages = render.pdf(data, issuing_office=row["issuing_office"] or area["name"])
        await advance(report_id, 0.9, "xlsx")
        xlsx = render.xlsx(data)
        async with write_transaction():
            await SupervisionReport.update(
                {
                    SupervisionReport.status: "succeeded",
                    SupervisionReport.progress: 1.0,
                    SupervisionReport.phase: "",
                    SupervisionReport.figures: data,
                    SupervisionReport.pdf: pdf,
                    SupervisionReport.xlsx: xlsx,
                    SupervisionReport.pages: pages,
                    SupervisionReport.finished_at: clock.now(),
                }
            ).where((SupervisionReport.id == report_id) & (SupervisionReport.status == "running"))
            await record(
                None,
                "generate",
                "supervision_report",
                report_id,
                {"status": ["running", "succeeded"]},
                summary=f"{area['name']} {row['period']}",
            )
    except Exception as exc:  # the report says why instead of staying "running"
        await SupervisionReport.update(
            {
                SupervisionReport.status: "failed",
                SupervisionReport.error: str(exc)[:2000],
                SupervisionReport.finished_at: clock.now(),
            }
        ).where((SupervisionReport.id == report_id) & (SupervisionReport.status == "running"))
        raise


async def file_of(principal: Principal, report_id: int, kind: str) -> tuple[str, bytes]:
    row = await get_report(principal, report_id)
    if row["status"] != "succeeded":
        raise WrongStatus("The report", row["status"], "download")
    column = SupervisionReport.pdf if kind == "pdf" else SupervisionReport.xlsx
    stored = await SupervisionReport.select(column).where(SupervisionReport.id == report_id).first()
    assert stored is not None  # get_report found it
    return f"supervision-{row['period']}-{report_id}.{kind}", bytes(stored[kind])


# ------------------------------------------------------------------ publishing


async def concerned(row: dict[str, Any], data: dict[str, Any]) -> list[int]:
    """The street offices and communities of the area, and the units the report names."""
    orgs = await Organization.select(Organization.id).where(
        Organization.kind.is_in(["street_office", "community"]) & Organization.area.path.like(f"{row['area_path']}%")
    )
    named = {
        u["id"] for u in data.get("responders", {}).get("best", []) + data.get("responders", {}).get("slowest", [])
    }
    named |= {x["id"] for x in data.get("grading", {}).get("results", [])}
    return sorted({o["id"] for o in orgs} | named)


async def publish(principal: Principal | None, report_id: int) -> dict[str, Any]:
    row = await _select().where(SupervisionReport.id == report_id).first()
    if row is None or (principal is not None and not visible(principal, row)):
        raise NotFound("Report not found")
    if principal is not None and not principal.covers_area(row["area_path"], SUPERVISORS):
        raise Forbidden("Only street and county admins publish reports")
    if row["status"] != "succeeded":
        raise WrongStatus("The report", row["status"], "publish")
    targets = await concerned(row, row["figures"] or {})
    now = clock.now()
    async with write_transaction():
        done = (
            await SupervisionReport.update(
                {SupervisionReport.published_at: now, SupervisionReport.published_to: targets}
            )
            .where(
                (SupervisionReport.id == report_id)
                & SupervisionReport.published_at.is_null()
                & (SupervisionReport.status == "succeeded")
            )
            .returning(SupervisionReport.id)
        )
        if not done:
            raise Conflict("The report is already published", {"status": "published"}, code="already_published")
        await record(
            principal,
            "publish",
            "supervision_report",
            report_id,
            {"published_to": [[], targets]},
            summary=f"{row['area_name']} {row['period']}",
        )
        for org_id in targets:
            await notify(
                kind="supervision_report",
                title="Supervision report for {area}, {period}",
                organization_id=org_id,
                params={"area": row["area_name"], "period": row["period"]},
                link=f"/supervision/reports/{report_id}",
                object_type="supervision_report",
                object_id=report_id,
            )
    return await _select().where(SupervisionReport.id == report_id).first()


# ------------------------------------------------------------------ the monthly schedule


async def schedule_of(principal: Principal, area_id: int) -> dict[str, Any]:
    area = await Area.select().where(Area.id == area_id).first()
    if area is None or not principal.covers_area(area["path"], SUPERVISORS):
        raise NotFound("Area not found")
    row = await SupervisionSchedule.select().where(SupervisionSchedule.area == area_id).first()
    return row or {"area": area_id, "enabled": False, "publish": False, "updated_at": None}


async def set_schedule(principal: Principal, area_id: int, enabled: bool, publish_too: bool) -> dict[str, Any]:
    before = await schedule_of(principal, area_id)
    now = clock.now()
    values: dict[Column | str, Any] = {
        SupervisionSchedule.enabled: enabled,
        SupervisionSchedule.publish: publish_too,
        SupervisionSchedule.updated_by: principal.account_id,
        SupervisionSchedule.updated_at: now,
    }
    async with write_transaction():
        if before.get("id") is None:
            await SupervisionSchedule.insert(
                SupervisionSchedule(
                    area=area_id, enabled=enabled, publish=publish_too, updated_by=principal.account_id, updated_at=now
                )
            )
        else:
            await SupervisionSchedule.update(values).where(SupervisionSchedule.area == area_id)
        await record(
            principal,
            "update",
            "supervision_schedule",
            area_id,
            {"enabled": [before["enabled"], enabled], "publish": [before["publish"], publish_too]},
        )
    return await schedule_of(principal, area_id)


def previous_month(now: datetime) -> str:
    local = now.astimezone(CHINA)
    year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
    return f"{year}-{month:02d}"


async def monthly_reports() -> list[int]:
    """Create and generate last month's report for every area with the schedule on (once: keyed)."""
    label = previous_month(clock.now())
    span = parse_period(label)
    made = []
    for s in await SupervisionSchedule.select(
        *SupervisionSchedule.all_columns(), SupervisionSchedule.area.name.as_alias("area_name")
    ).where(SupervisionSchedule.enabled == True):  # noqa: E712 - a Piccolo expression
        key = f"scheduled:{s['area']}:{label}"
        async with write_transaction():
            if await SupervisionReport.exists().where(SupervisionReport.report_key == key):
                continue
            rows = await SupervisionReport.insert(
                SupervisionReport(
                    area=s["area"],
                    period=label,
                    period_start=span.start,
                    period_end=span.end,
                    report_key=key,
                    kind="scheduled",
                    issuing_office=s["area_name"],
                    created_at=clock.now(),
                )
            ).returning(SupervisionReport.id)
        made.append(rows[0]["id"])
        await generate(rows[0]["id"])
        if s["publish"]:
            await publish(None, rows[0]["id"])
    return made
