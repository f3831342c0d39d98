"""The resident's side of 接诉即办, without an account: file a report (dispatched at once to the grid's
posts, or the community's duty queue when the grid is unstaffed), follow it by its tracking code, and
rate it (不满意 reopens it once, 重办, with new deadlines).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from jinlin.areas.tables import Area
from jinlin.audit.service import record
from jinlin.auth.principal import Principal
from jinlin.catalog.service import policy_for_area
from jinlin.core import clock, ratelimit
from jinlin.core.db import write_transaction
from jinlin.core.errors import Invalid, NotFound, RateLimited, WrongStatus
from jinlin.notifications.service import notify
from jinlin.orgs.tables import Organization
from jinlin.posts.holders import enclosing_area, grid_worker_accounts
from jinlin.resident_reports import photos
from jinlin.resident_reports.schemas import FiledOut, RatingIn, ReportIn, TrackOut
from jinlin.resident_reports.service import OPEN_STATUSES, notify_handlers
from jinlin.resident_reports.tables import ReportContact, ReportEvent, ReportPhoto, ResidentReport

REPORTABLE_LEVELS = ("grid", "compound", "building")
DUPLICATE_WINDOW = timedelta(hours=24)
# Suggested (urgency, importance) by category before anyone triages; the colour follows the policy.
SUGGESTED = {"safety": (3, 2), "elder_care": (2, 3), "facilities": (2, 2)}
PER_ADDRESS = (5, 3600.0)  # reports per network address per hour
PER_PHONE = (3, 86400.0)  # reports per phone number per day
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud over the phone


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


async def reportable_area(area_id: int) -> dict[str, Any]:
    from jinlin.resident_reports.access import storable

    area = None if not storable(area_id) else await Area.select().where(Area.id == area_id).first()
    if area is None or area["level"] not in REPORTABLE_LEVELS:
        raise Invalid("Choose a grid, compound or building", {"area_id": "must be a grid, compound or building"})
    return area


async def _place(area_id: int) -> dict[str, Any]:
    grid = await enclosing_area(area_id, "grid")
    community = await enclosing_area(area_id, "community")
    street = await enclosing_area(area_id, "street")
    org = None
    if community:
        org = (
            await Organization.select(Organization.id)
            .where((Organization.area == community["id"]) & (Organization.kind == "community"))
            .order_by(Organization.id)
            .first()
        )
    return {
        "grid": grid["id"] if grid else None,
        "community_area": community["id"] if community else None,
        "street_area": street["id"] if street else None,
        "community": org["id"] if org else None,
    }


async def _original(area_id: int, category: str) -> dict[str, Any] | None:
    """An earlier report of the same problem at the same place within 24 h (a near-duplicate links to it)."""
    since = clock.now() - DUPLICATE_WINDOW
    return (
        await ResidentReport.select(ResidentReport.id, ResidentReport.status)
        .where(
            (ResidentReport.area == area_id)
            & (ResidentReport.category == category)
            & (ResidentReport.created_at >= since)
            & ResidentReport.duplicate_of.is_null()
            & ResidentReport.status.is_in([*OPEN_STATUSES, "resolved"])
        )
        .order_by(ResidentReport.id)
        .first()
    )


async def _check_limits(address: str, phone: str | None) -> None:
    capacity, per = PER_ADDRESS
    if not await ratelimit.allow(f"report:address:{address}", capacity=capacity, per_seconds=per):
        raise RateLimited("Too many reports from this network; try again later", {"_form": "too many reports"})
    if phone:
        capacity, per = PER_PHONE
        if not await ratelimit.allow(f"report:phone:{phone}", capacity=capacity, per_seconds=per):
            raise RateLimited("Too many reports from this phone today", {"phone": "too many reports today"})


@dataclass(frozen=True)
class _Triage:
    """Where a new report goes and how urgent it is: the same for a resident's and a visit's report."""

    area_id: int
    category: str
    place: dict[str, Any]
    workers: list[int]
    queue: str
    colour: str
    urgency: int
    importance: int
    respond_by: Any
    resolve_by: Any
    now: Any

    def report(self, description: str, **fields: Any) -> ResidentReport:
        return ResidentReport(
            code=new_code(),
            area=self.area_id,
            category=self.category,
            description=description.strip(),
            level=self.queue,
            queue=self.queue,
            colour=self.colour,
            urgency=self.urgency,
            importance=self.importance,
            round_started_at=self.now,
            created_at=self.now,
            updated_at=self.now,
            **fields,
            **self.place,
        )


async def _triage(area_id: int, category: str, now: Any) -> _Triage:
    """The place's grid and its workers on post, the suggested colour by the county's policy, and its deadlines."""
    place = await _place(area_id)
    workers = await grid_worker_accounts(place["grid"]) if place["grid"] else []
    urgency, importance = SUGGESTED.get(category, (2, 2))
    policy = await policy_for_area(area_id)
    colour = policy.colour(urgency, importance)
    respond_by, resolve_by = policy.deadlines(colour, now)
    queue = "grid" if workers else "community"
    return _Triage(area_id, category, place, workers, queue, colour, urgency, importance, respond_by, resolve_by, now)


async def file_report(data: ReportIn, photo_bytes: list[bytes], address: str) -> FiledOut:
    if not data.consent:
        raise Invalid("Please agree to the privacy notice", {"consent": "required"})
    if len(photo_bytes) > photos.MAX_PHOTOS:
        raise Invalid("Too many photos", {"photos": "at most 3 photos"})
    area = await reportable_area(data.area_id)
    await _check_limits(address, data.phone)  # before decoding photos: a flood costs no image work
    encoded = [photos.check_and_encode(b) for b in photo_bytes]
    now = clock.now()
    t = await _triage(area["id"], data.category, now)
    place, workers, queue = t.place, t.workers, t.queue
    names = [photos.store(e) for e in encoded]
    try:
        async with write_transaction():
            original = await _original(area["id"], data.category)
            report = t.report(
                data.description,
                status="merged" if original else "submitted",
                respond_by=None if original else t.respond_by,
                resolve_by=None if original else t.resolve_by,
                duplicate_of=original["id"] if original else None,
            )
            await report.save()
            if data.phone:
                await ReportContact.insert(ReportContact(report=report.id, phone=data.phone, consent_at=now))
            for name, e in zip(names, encoded, strict=True):
                await ReportPhoto.insert(
                    ReportPhoto(
                        report=report.id,
                        stage="report",
                        file_name=name,
                        size=len(e.data),
                        width=e.width,
                        height=e.height,
                        created_at=now,
                    )
                )
            await record(
                None,
                "file",
                "resident_report",
                report.id,
                {
                    "category": data.category,
                    "area_id": area["id"],
                    "queue": queue,
                    "duplicate_of": original["id"] if original else None,
                },
                summary=f"#{report.id}",
            )
            if original:
                await ReportEvent.insert(
                    ReportEvent(report=original["id"], kind="duplicate", at=now, reason=f"#{report.id}")
                )
            else:
                await _dispatch(report.id, data.category, place, workers, queue, now)
    except Exception:
        photos.discard(names)
        raise
    return FiledOut(code=report.code, status=report.status, duplicate=original is not None)


async def file_from_visit(
    principal: Principal, *, area_id: int, grid_path: str, category: str, description: str, accept: bool
) -> dict[str, Any]:
    """A visit's follow-up as a report (source ``visit``), inside the caller's transaction: the same colour,
    deadlines and dispatch as a resident's, without the anonymous rate limits or duplicate merging (a worker
    files what they saw), and no contact or photo: the report carries no resident's personal data. With
    ``accept`` the filing worker owns it at once (首接负责制)."""
    area = await reportable_area(area_id)
    if not area["path"].startswith(grid_path):
        raise Invalid("Choose the household's grid or a building in it", {"area_id": "must be in the household's grid"})
    now = clock.now()
    t = await _triage(area["id"], category, now)
    place, workers, queue = t.place, t.workers, t.queue
    report = t.report(
        description,
        source="visit",
        status="accepted" if accept else "submitted",
        owner=principal.account_id if accept else None,
        responded_at=now if accept else None,
        respond_by=t.respond_by,
        resolve_by=t.resolve_by,
    )
    await report.save()
    await record(
        principal,
        "file",
        "resident_report",
        report.id,
        {"category": category, "area_id": area["id"], "queue": queue, "source": "visit", "accepted": accept},
        summary=f"#{report.id}",
    )
    if accept:
        await ReportEvent.insert(
            ReportEvent(report=report.id, kind="accept", actor=principal.account_id, level=queue, at=now)
        )
    else:
        await _dispatch(report.id, category, place, workers, queue, now)
    return {"id": report.id, "code": report.code, "status": report.status}


async def _dispatch(report_id: int, category: str, place: dict[str, Any], workers: list[int], queue: str, now) -> None:
    """派单: to each grid worker on post, or to the community's duty queue when the grid is unstaffed."""
    common: dict[str, Any] = {
        "kind": "report_new",
        "title": "New resident report #{id} ({category})",
        "params": {"id": report_id, "category": category},
        "link": f"/resident-reports/{report_id}",
        "object_type": "resident_report",
        "object_id": report_id,
    }
    for account_id in workers:
        await ReportEvent.insert(
            ReportEvent(report=report_id, kind="dispatch", to_account=account_id, level="grid", at=now)
        )
        await notify(account_id=account_id, **common)
    if queue == "community":
        await ReportEvent.insert(
            ReportEvent(report=report_id, kind="dispatch", level="community", reason="grid unstaffed", at=now)
        )
        if place["community"]:
            await notify(organization_id=place["community"], **common)


async def _by_code(code: str) -> dict[str, Any]:
    code = code.strip().upper()
    if not code or len(code) > 16 or not all(c in CODE_ALPHABET for c in code):
        raise NotFound("No report with this tracking code")
    row = (
        await ResidentReport.select(
            *ResidentReport.all_columns(), ResidentReport.area.name, ResidentReport.owner.display_name
        )
        .where(ResidentReport.code == code)
        .first()
    )
    if row is None:
        raise NotFound("No report with this tracking code")
    return row


async def track(code: str) -> TrackOut:
    """What the resident sees: no names of other residents, the handler's name only (who serves here)."""
    own = await _by_code(code)
    row = own
    if own["duplicate_of"]:
        row = (
            await ResidentReport.select(
                *ResidentReport.all_columns(), ResidentReport.area.name, ResidentReport.owner.display_name
            )
            .where(ResidentReport.id == own["duplicate_of"])
            .first()
            or own
        )
    return TrackOut(
        code=own["code"],
        status=row["status"],
        category=own["category"],
        area_name=own.get("area.name") or "",
        handler=row.get("owner.display_name") or "",
        respond_by=row["respond_by"],
        resolve_by=row["resolve_by"],
        resolved_at=row["resolved_at"],
        resolution_note=row["resolution_note"],
        satisfaction=own["satisfaction"],
        can_rate=own["status"] == "resolved",
        reopen_count=row["reopen_count"],
    )


async def rate(code: str, data: RatingIn) -> TrackOut:
    """满意 / 基本满意 close it; 不满意 reopens it once (重办) with new deadlines, the second time closes it."""
    row = await _by_code(code)
    if row["source"] == "visit":
        raise WrongStatus("report", row["status"], "rate")  # a visit's follow-up: no resident rates it
    now = clock.now()
    reopen = data.satisfaction == "unsatisfied" and row["reopen_count"] == 0
    values: dict[Any, Any] = {
        ResidentReport.satisfaction: data.satisfaction,
        ResidentReport.rating_comment: data.comment.strip(),
        ResidentReport.rated_at: now,
        ResidentReport.updated_at: now,
    }
    if reopen:
        policy = await policy_for_area(row["area"])
        _, resolve_by = policy.deadlines(row["colour"], now)
        values.update(
            {
                ResidentReport.status: "accepted",
                ResidentReport.reopen_count: 1,
                ResidentReport.round_started_at: now,
                ResidentReport.resolve_by: resolve_by,
                ResidentReport.resolved_at: None,
                ResidentReport.level: row["queue"],
            }
        )
    else:
        values.update({ResidentReport.status: "closed", ResidentReport.closed_at: now})
    async with write_transaction():
        done = (
            await ResidentReport.update(values)
            .where((ResidentReport.id == row["id"]) & (ResidentReport.status == "resolved"))
            .returning(ResidentReport.id)
        )
        if not done:
            raise WrongStatus("report", (await _by_code(code))["status"], "rate")
        await ReportEvent.insert(
            ReportEvent(report=row["id"], kind="reopen" if reopen else "rate", at=now, reason=data.satisfaction)
        )
        await record(
            None,
            "reopen" if reopen else "rate",
            "resident_report",
            row["id"],
            {"satisfaction": data.satisfaction},
            summary=f"#{row['id']}",
        )
        if reopen:
            await notify_handlers(
                {**row, "status": "accepted"},
                kind="report_reopened",
                title="Report #{id} ({category}) was reopened: the resident is not satisfied",
            )
    return await track(code)
