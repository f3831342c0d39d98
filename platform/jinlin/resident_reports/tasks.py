"""限时办结 and 督办 for residents' reports, run from Celery beat (services) or the web process (embedded).

For each open report and each of its deadlines (respond-by while unaccepted, resolve-by while unresolved):
a reminder to whoever handles it at each configured share of the time (default 50 % and 90 %), and at the
deadline an escalation one level up (grid → community → street → county) that notifies that level's admins.
Each firing is a ``ReportAlert`` row with a unique key (report, round, deadline, share), inserted in the
same transaction as its notice: a second run, or two processes at once, fire nothing twice. A reopened
report (重办) starts a new round with its own reminders.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from jinlin.accounts.tables import Membership
from jinlin.audit.service import record
from jinlin.core import clock
from jinlin.core.celery import celery_app, run_body
from jinlin.core.db import write_transaction
from jinlin.core.settings import get_settings
from jinlin.notifications.service import notify
from jinlin.resident_reports.access import LEVEL_ADMIN, LEVELS
from jinlin.resident_reports.service import OPEN_STATUSES, notify_handlers
from jinlin.resident_reports.tables import ReportAlert, ReportEvent, ResidentReport

log = logging.getLogger(__name__)


def next_level(level: str) -> str | None:
    i = LEVELS.index(level) if level in LEVELS else 0
    return LEVELS[i + 1] if i + 1 < len(LEVELS) else None


def level_area(row: dict[str, Any], level: str) -> int | None:
    if level == "community":
        return row["community_area"]
    if level == "street":
        return row["street_area"]
    parts = [p for p in row["area.path"].split("/") if p]
    return int(parts[0]) if parts else None


async def level_orgs(row: dict[str, Any], level: str) -> list[int]:
    """The organisations whose admins answer at ``level`` for this report's place."""
    area_id = level_area(row, level)
    if area_id is None:
        return []
    rows = await Membership.select(Membership.organization).where(
        (Membership.role == LEVEL_ADMIN[level]) & (Membership.organization.area == area_id)
    )
    return sorted({r["organization"] for r in rows})


def due_alerts(row: dict[str, Any], now: datetime, shares: tuple[float, ...]) -> list[tuple[str, str, str]]:
    """(key, kind, deadline name) of every alert this report is due, fired or not."""
    out = []
    start = row["round_started_at"]
    deadlines = [
        ("respond", row["respond_by"], row["responded_at"] is None),
        ("resolve", row["resolve_by"], row["status"] in OPEN_STATUSES),
    ]
    for name, deadline, pending in deadlines:
        if deadline is None or not pending:
            continue
        base = f"{row['id']}:{row['reopen_count']}:{name}"
        if now >= deadline:
            out.append((f"{base}:escalate", "escalate", name))
            continue
        for share in shares:
            if now >= start + (deadline - start) * share:
                out.append((f"{base}:{round(share * 100)}", "remind", name))
    return out


async def _fire(row: dict[str, Any], key: str, kind: str, deadline: str, now: datetime) -> bool:
    try:
        async with write_transaction():
            if await ReportAlert.exists().where(ReportAlert.key == key):
                return False
            await ReportAlert.insert(ReportAlert(report=row["id"], key=key, kind=kind, fired_at=now))
            if kind == "remind":
                share = key.rsplit(":", 1)[1]
                title = (
                    "Reminder: report #{id} ({category}) must be accepted soon"
                    if deadline == "respond"
                    else "Reminder: report #{id} ({category}) must be resolved soon"
                )
                await notify_handlers(row, kind="report_reminder", title=title)
                await ReportEvent.insert(
                    ReportEvent(
                        report=row["id"], kind="remind", level=row["level"], reason=f"{deadline} {share}%", at=now
                    )
                )
                return True
            await _escalate(row, deadline, now)
            return True
    except Exception:  # a concurrent run inserted the same key first (unique violation): nothing to do
        if await ReportAlert.exists().where(ReportAlert.key == key):
            return False
        raise


async def _escalate(row: dict[str, Any], deadline: str, now: datetime) -> None:
    target = next_level(row["level"])
    await ReportEvent.insert(
        ReportEvent(
            report=row["id"], kind="escalate", level=target or row["level"], reason=f"{deadline} overdue", at=now
        )
    )
    if target is None:  # already at the county: it stays on the county's 督办 list
        return
    await ResidentReport.update(
        {
            ResidentReport.level: target,
            ResidentReport.updated_at: now,
            ResidentReport.escalation_count: ResidentReport.escalation_count + 1,
        }
    ).where(ResidentReport.id == row["id"])
    await record(
        None,
        "escalate",
        "resident_report",
        row["id"],
        {"level": [row["level"], target]},
        summary=f"#{row['id']} {deadline}",
    )
    row["level"] = target
    for org_id in await level_orgs(row, target):
        await notify(
            organization_id=org_id,
            kind="report_escalated",
            title="Overdue report #{id} ({category}) escalated to you (督办)",
            params={"id": row["id"], "category": row["category"]},
            link=f"/resident-reports/{row['id']}",
            object_type="resident_report",
            object_id=row["id"],
        )


async def enforce_deadlines_body(now: datetime | None = None) -> int:
    """Fire every due reminder and escalation once; returns how many fired in this run."""
    now = now or clock.now()
    shares = get_settings().report_reminder_shares
    rows = (
        await ResidentReport.select(*ResidentReport.all_columns(), ResidentReport.area.path)
        .where(ResidentReport.status.is_in(list(OPEN_STATUSES)))
        .order_by(ResidentReport.id)
    )
    fired = 0
    for row in rows:
        # Escalate for the respond deadline before the resolve one, each one level.
        for key, kind, deadline in due_alerts(row, now, shares):
            fired += await _fire(row, key, kind, deadline, now)
    return fired


@celery_app.task(name="jinlin.resident_reports.tasks.enforce_deadlines", acks_late=True)
def enforce_deadlines() -> int:
    return run_body(enforce_deadlines_body)
