"""接诉即办 for staff: reading reports (personal data guarded), and acting on them: accept (首接负责制),
triage (分色), resolve, turn into a need, transfer, and the superiors' chase and reassign (督办).

Every action is one transaction with a conditional update on the report's status (and owner), an event
row, an audit row and the notices it causes. Notices and audit rows never carry the resident's phone or
words: only the report's number and category.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinlin.accounts.tables import Account, Membership
from jinlin.audit.service import record
from jinlin.auth.principal import COMMUNITY_ROLES, STAFF_ROLES, Principal
from jinlin.catalog.service import policy_for_area
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.deadlines import is_overdue, overdue_clause
from jinlin.core.errors import Conflict, Forbidden, Invalid, NotFound, WrongStatus
from jinlin.core.pagination import Page, PageRequest, fetch_filtered
from jinlin.core.security import mask_phone
from jinlin.notifications.service import notify
from jinlin.posts.holders import area_paths_of_account
from jinlin.posts.tables import GRID_WORKER_KINDS
from jinlin.resident_reports import access, photos
from jinlin.resident_reports.schemas import (
    ChaseIn,
    EventOut,
    HandOverIn,
    ReportOut,
    ResolveIn,
    ToNeedIn,
    TriageIn,
)
from jinlin.resident_reports.tables import ReportContact, ReportEvent, ReportPhoto, ResidentReport

OPEN_STATUSES = ("submitted", "accepted", "referred")
HANDLING = ("accepted", "referred")


# -- reading --------------------------------------------------------------------------------------


def overdue(row: dict[str, Any], now: datetime | None = None) -> bool:
    """限时办结 for reports: core.deadlines' rule with "responded" meaning accepted."""
    return is_overdue(
        now or clock.now(),
        is_open=row["status"] in OPEN_STATUSES,
        respond_by=row["respond_by"],
        responded_at=row["responded_at"],
        resolve_by=row["resolve_by"],
    )


def overdue_where(now: datetime | None = None):
    return overdue_clause(
        now or clock.now(),
        open_clause=ResidentReport.status.is_in(list(OPEN_STATUSES)),
        respond_by=ResidentReport.respond_by,
        responded_at=ResidentReport.responded_at,
        resolve_by=ResidentReport.resolve_by,
    )


def _select():
    return ResidentReport.select(
        *ResidentReport.all_columns(),
        ResidentReport.area.name,
        ResidentReport.area.path,
        ResidentReport.owner.display_name,
    )


async def get_rows(report_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Several reports' rows in one query (a home page's list, not one query per report)."""
    if not report_ids:
        return {}
    return {r["id"]: r for r in await _select().where(ResidentReport.id.is_in(report_ids))}


async def get_row(report_id: int) -> dict[str, Any]:
    if not access.storable(report_id):
        raise NotFound("Report not found")
    row = await _select().where(ResidentReport.id == report_id).first()
    if row is None:
        raise NotFound("Report not found")
    return row


async def get_visible_row(principal: Principal, report_id: int) -> dict[str, Any]:
    row = await get_row(report_id)
    if not await access.can_see(principal, row):
        raise NotFound("Report not found")
    return row


def to_out(
    row: dict[str, Any],
    *,
    phone: str | None = None,
    photo_ids: list[int] | None = None,
    events: list[EventOut] | None = None,
) -> ReportOut:
    return ReportOut(
        id=row["id"],
        code=row["code"],
        area_id=row["area"],
        area_name=row.get("area.name") or "",
        grid_id=row["grid"],
        community_id=row["community"],
        category=row["category"],
        description=row["description"],
        status=row["status"],
        level=row["level"],
        queue=row["queue"],
        colour=row["colour"],
        urgency=row["urgency"],
        importance=row["importance"],
        triaged=row["triaged"],
        owner_id=row["owner"],
        owner_name=row.get("owner.display_name") or "",
        respond_by=row["respond_by"],
        resolve_by=row["resolve_by"],
        responded_at=row["responded_at"],
        resolved_at=row["resolved_at"],
        overdue=overdue(row),
        need_id=row["need"],
        source=row["source"],
        duplicate_of=row["duplicate_of"],
        reopen_count=row["reopen_count"],
        chase_count=row["chase_count"],
        escalation_count=row["escalation_count"],
        satisfaction=row["satisfaction"],
        rating_comment=row["rating_comment"],
        resolution_note=row["resolution_note"],
        created_at=row["created_at"],
        phone=phone,
        photo_ids=photo_ids or [],
        events=events or [],
    )


async def events_of(report_id: int) -> list[EventOut]:
    rows = (
        await ReportEvent.select(
            *ReportEvent.all_columns(), ReportEvent.actor.display_name, ReportEvent.to_account.display_name
        )
        .where(ReportEvent.report == report_id)
        .order_by(ReportEvent.at)
        .order_by(ReportEvent.id)
    )
    return [
        EventOut(
            kind=r["kind"],
            at=r["at"],
            actor_name=r.get("actor.display_name") or "",
            to_account_name=r.get("to_account.display_name") or "",
            level=r["level"],
            reason=r["reason"],
        )
        for r in rows
    ]


async def get_report(principal: Principal, report_id: int) -> ReportOut:
    """One report; the phone and photos only for those whose duty needs them, each such view audited."""
    row = await get_visible_row(principal, report_id)
    phone, photo_ids = None, []
    if await access.sees_personal_data(principal, row):
        contact = await ReportContact.select(ReportContact.phone).where(ReportContact.report == report_id).first()
        phone = contact["phone"] if contact else None
        photo_ids = [
            p["id"]
            for p in await ReportPhoto.select(ReportPhoto.id)
            .where(ReportPhoto.report == report_id)
            .order_by(ReportPhoto.id)
        ]
        if phone or photo_ids:
            async with write_transaction():
                await record(
                    principal,
                    "view_personal_data",
                    "resident_report",
                    report_id,
                    {"fields": [f for f, v in (("phone", phone), ("photos", photo_ids)) if v]},
                    summary=f"#{report_id}",
                )
    return to_out(row, phone=phone, photo_ids=photo_ids, events=await events_of(report_id))


async def photo_file(principal: Principal, report_id: int, photo_id: int) -> bytes:
    row = await get_visible_row(principal, report_id)
    if not access.storable(photo_id):
        raise NotFound("Photo not found")
    photo = await ReportPhoto.select().where((ReportPhoto.id == photo_id) & (ReportPhoto.report == report_id)).first()
    if photo is None or not await access.sees_personal_data(principal, row):
        raise NotFound("Photo not found")
    async with write_transaction():
        await record(
            principal,
            "view_personal_data",
            "resident_report",
            report_id,
            {"fields": ["photo"], "photo_id": photo_id},
            summary=f"#{report_id}",
        )
    try:
        return photos.read(photo["file_name"])
    except OSError as exc:  # the file was lost (a restored backup without the photo volume)
        raise NotFound("Photo not found") from exc


async def _visible_clause(principal: Principal):
    """Reports in the areas the principal covers as staff, or on the grids they hold a post on."""
    paths = set(principal.area_paths(STAFF_ROLES))
    paths.update(await area_paths_of_account(principal.account_id, GRID_WORKER_KINDS))
    if not paths:
        return None
    clause = None
    for path in sorted(paths):
        part = ResidentReport.area.path.like(f"{path}%")
        clause = part if clause is None else clause | part
    return clause


async def list_reports(
    principal: Principal,
    paging: PageRequest | None,
    *,
    status: str | None = None,
    colour: str | None = None,
    overdue: bool | None = None,
    mine: bool = False,
    escalated: bool = False,
    area_id: int | None = None,
) -> Page[ReportOut]:
    """Visible reports, soonest deadline first; phones masked (only for those who may see them at all)."""
    from jinlin.areas.tables import Area

    visible = await _visible_clause(principal)
    if visible is None:
        return (paging or PageRequest()).page([], 0)
    where = [visible]
    if status:
        where.append(ResidentReport.status.is_in(status.split(",")))
    if colour:
        where.append(ResidentReport.colour.is_in(colour.split(",")))
    if overdue:
        where.append(overdue_where())
    if overdue is False:
        where.append(ResidentReport.id.not_in(ResidentReport.select(ResidentReport.id).where(overdue_where())))
    if mine:
        where.append(ResidentReport.owner == principal.account_id)
    if escalated:
        where.append(
            (ResidentReport.level != "grid")
            & (ResidentReport.queue != ResidentReport.level)
            & ResidentReport.status.is_in(list(OPEN_STATUSES))
        )
    if area_id is not None:
        if not access.storable(area_id):
            raise Invalid("No such area", {"area_id": "no such area"})
        root = await Area.select(Area.path).where(Area.id == area_id).first()
        if root is None:
            raise NotFound("Area not found")
        where.append(ResidentReport.area.path.like(f"{root['path']}%"))
    query = _select().order_by(ResidentReport.resolve_by).order_by(ResidentReport.id)
    rows, total = await fetch_filtered(query, ResidentReport, where, paging)
    phones = {
        c["report"]: c["phone"]
        for c in await ReportContact.select().where(ReportContact.report.is_in([r["id"] for r in rows] or [0]))
    }
    items = []
    allowed: dict[tuple[Any, Any, Any], bool] = {}  # the rule depends only on these; one lookup per grid
    for row in rows:
        phone = phones.get(row["id"])
        key = (row["grid"], row["community"], row["owner"])
        if phone and key not in allowed:
            allowed[key] = await access.sees_personal_data(principal, row)
        shown = mask_phone(phone) if phone and allowed[key] else None
        items.append(to_out(row, phone=shown))
    return (paging or PageRequest()).page(items, total)


# -- acting ---------------------------------------------------------------------------------------


async def _event(
    report_id: int,
    kind: str,
    principal: Principal | None,
    *,
    to_account: int | None = None,
    level: str = "",
    reason: str = "",
) -> None:
    await ReportEvent.insert(
        ReportEvent(
            report=report_id,
            kind=kind,
            actor=principal.account_id if principal else None,
            to_account=to_account,
            level=level,
            reason=reason,
            at=clock.now(),
        )
    )


async def _change(
    principal: Principal,
    row: dict[str, Any],
    action: str,
    values: dict[Any, Any],
    where,
    *,
    to_account: int | None = None,
    reason: str = "",
) -> None:
    """The conditional update of one action, with its event and audit row; 409 naming the status if lost."""
    now = clock.now()
    done = (
        await ResidentReport.update({**values, ResidentReport.updated_at: now})
        .where((ResidentReport.id == row["id"]) & where)
        .returning(ResidentReport.id)
    )
    if not done:
        current = await get_row(row["id"])
        if current["status"] in OPEN_STATUSES and action in ("accept",) and current["owner"]:
            raise Conflict("Someone else has already accepted it", {"status": current["status"]})
        raise WrongStatus("report", current["status"], action)
    await _event(row["id"], action, principal, to_account=to_account, level=row["level"], reason=reason)
    changes = {
        k._meta.name: v if isinstance(v, str | int | float | bool | datetime | None) else "+1"
        for k, v in values.items()
    }
    await record(principal, action, "resident_report", row["id"], changes, summary=f"#{row['id']} {row['category']}")


def _notice_params(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "category": row["category"]}


async def _triage_values(row: dict[str, Any], data: TriageIn) -> dict[Any, Any]:
    if (data.urgency is None) != (data.importance is None):
        field = "importance" if data.importance is None else "urgency"
        raise Invalid("Set both urgency and importance, or neither", {field: "required with the other"})
    policy = await policy_for_area(row["area"])
    urgency = data.urgency or row["urgency"] or 2
    importance = data.importance or row["importance"] or 2
    colour = policy.colour(urgency, importance) if data.urgency is not None else row["colour"]
    respond_by, resolve_by = policy.deadlines(colour, row["round_started_at"])
    return {
        ResidentReport.urgency: urgency,
        ResidentReport.importance: importance,
        ResidentReport.colour: colour,
        ResidentReport.triaged: True,
        ResidentReport.respond_by: respond_by,
        ResidentReport.resolve_by: resolve_by,
    }


async def accept(principal: Principal, report_id: int, data: TriageIn | None = None) -> ReportOut:
    """首接负责制: the first to accept owns it (optionally setting its colour at once)."""
    row = await get_visible_row(principal, report_id)
    if not await access.can_handle(principal, row) and row["owner"] != principal.account_id:
        raise Forbidden("Only the grid's posts and the community's staff accept reports")
    values: dict[Any, Any] = {
        ResidentReport.status: "accepted",
        ResidentReport.owner: principal.account_id,
        ResidentReport.responded_at: clock.now(),
    }
    if data is not None and (data.urgency is not None or data.importance is not None):
        values.update(await _triage_values(row, data))
    async with write_transaction():
        await _change(
            principal,
            row,
            "accept",
            values,
            (ResidentReport.status == "submitted")
            & (ResidentReport.owner.is_null() | (ResidentReport.owner == principal.account_id)),
        )
    return await get_report(principal, report_id)


def _owner_only(principal: Principal, row: dict[str, Any]) -> None:
    if row["owner"] != principal.account_id:
        raise Forbidden("Only the report's owner may do that")


async def triage(principal: Principal, report_id: int, data: TriageIn) -> ReportOut:
    """分色: urgency × importance → colour by the county's policy; empty keeps (accepts) the suggestion."""
    row = await get_visible_row(principal, report_id)
    _owner_only(principal, row)
    values = await _triage_values(row, data)
    async with write_transaction():
        await _change(
            principal,
            row,
            "triage",
            values,
            ResidentReport.status.is_in(list(HANDLING)) & (ResidentReport.owner == principal.account_id),
        )
    return await get_report(principal, report_id)


async def resolve(
    principal: Principal, report_id: int, data: ResolveIn, photo_bytes: list[bytes] | None = None
) -> ReportOut:
    """Resolved in the grid, with a note and optional photos; the resident rates it next."""
    row = await get_visible_row(principal, report_id)
    _owner_only(principal, row)
    photo_bytes = photo_bytes or []
    if len(photo_bytes) > photos.MAX_PHOTOS:
        raise Invalid("Too many photos", {"photos": "at most 3 photos"})
    encoded = [photos.check_and_encode(b) for b in photo_bytes]
    now = clock.now()
    values: dict[Any, Any] = {
        ResidentReport.status: "resolved",
        ResidentReport.resolved_at: now,
        ResidentReport.resolution_note: data.note.strip(),
    }
    if row["source"] == "visit":
        # No resident waits to rate a visit's follow-up: resolving it closes it.
        values.update({ResidentReport.status: "closed", ResidentReport.closed_at: now})
    if row["first_resolved_at"] is None:
        values[ResidentReport.first_resolved_at] = now
        values[ResidentReport.first_resolved_on_time] = row["resolve_by"] is None or now <= row["resolve_by"]
    names = [photos.store(e) for e in encoded]
    try:
        async with write_transaction():
            await _change(
                principal,
                row,
                "resolve",
                values,
                ResidentReport.status.is_in(list(HANDLING)) & (ResidentReport.owner == principal.account_id),
            )
            for name, e in zip(names, encoded, strict=True):
                await ReportPhoto.insert(
                    ReportPhoto(
                        report=report_id,
                        stage="resolution",
                        file_name=name,
                        size=len(e.data),
                        width=e.width,
                        height=e.height,
                        created_at=now,
                    )
                )
    except Exception:
        photos.discard(names)
        raise
    return await get_report(principal, report_id)


async def to_need(principal: Principal, report_id: int, data: ToNeedIn) -> ReportOut:
    """Outside help: a need in the community's list, linked from the report. Nothing personal is copied:
    neither the phone nor the resident's words, only the place, the colour and the staff's own title."""
    from jinlin.needs.schemas import NeedIn
    from jinlin.needs.service import create_need

    row = await get_visible_row(principal, report_id)
    _owner_only(principal, row)
    if row["community"] is None:
        raise Conflict("The report's area belongs to no community", {"community_id": "missing"})
    if row["status"] not in ("accepted",):
        raise WrongStatus("report", row["status"], "refer")
    async with write_transaction():
        need = await create_need(
            principal,
            NeedIn(
                community_id=row["community"],
                area_id=row["area"],
                title=data.title.strip(),
                description=f"群众反馈 #{row['id']}",
                category=data.category,
                quantity=data.quantity,
                unit=data.unit,
                urgency=row["urgency"] or 2,
                importance=row["importance"] or 2,
                publish=True,
            ),
        )
        await _change(
            principal,
            row,
            "refer",
            {ResidentReport.status: "referred", ResidentReport.need: need.id},
            (ResidentReport.status == "accepted") & (ResidentReport.owner == principal.account_id),
        )
    return await get_report(principal, report_id)


async def _check_handler(row: dict[str, Any], account_id: int) -> None:
    """The one handed a report must be on the grid's posts or on the community's staff."""
    if not access.storable(account_id):
        raise Invalid("No such account", {"account_id": "no such account"})
    if account_id in await access.grid_posts(row):
        return
    if row["community"] and await Membership.exists().where(
        (Membership.account == account_id)
        & (Membership.organization == row["community"])
        & Membership.role.is_in(sorted(COMMUNITY_ROLES))
    ):
        return
    if not await Account.exists().where(Account.id == account_id):
        raise Invalid("No such account", {"account_id": "no such account"})
    raise Invalid("Not on the grid's posts or the community's staff", {"account_id": "cannot handle this report"})


async def transfer(principal: Principal, report_id: int, data: HandOverIn) -> ReportOut:
    """The owner hands it over, with a reason (转办); the new owner is told."""
    row = await get_visible_row(principal, report_id)
    _owner_only(principal, row)
    if data.account_id == principal.account_id:
        raise Invalid("Hand it to someone else", {"account_id": "already yours"})
    await _check_handler(row, data.account_id)
    where = ResidentReport.status.is_in(list(HANDLING)) & (ResidentReport.owner == principal.account_id)
    return await _hand_over(principal, row, data, "transfer", where, "report_transferred")


async def reassign(principal: Principal, report_id: int, data: HandOverIn) -> ReportOut:
    """督办: a superior gives an open report to someone else (who then owns or accepts it)."""
    row = await get_visible_row(principal, report_id)
    if not access.supervises(principal, row):
        raise Forbidden("Only a superior of the report's grid reassigns it")
    await _check_handler(row, data.account_id)
    where = ResidentReport.status.is_in(list(OPEN_STATUSES))
    return await _hand_over(principal, row, data, "reassign", where, "report_reassigned")


async def _hand_over(
    principal: Principal, row: dict[str, Any], data: HandOverIn, action: str, where: Any, kind: str
) -> ReportOut:
    """Transfer and reassign: the new owner, the history row and the new owner's notice, in one transaction."""
    async with write_transaction():
        await _change(
            principal,
            row,
            action,
            {ResidentReport.owner: data.account_id},
            where,
            to_account=data.account_id,
            reason=data.reason.strip(),
        )
        await notify(
            kind=kind,
            title="Report #{id} ({category}) was handed to you",
            account_id=data.account_id,
            params=_notice_params(row),
            link=f"/resident-reports/{row['id']}",
            object_type="resident_report",
            object_id=row["id"],
        )
    return await get_report(principal, row["id"])


async def notify_handlers(row: dict[str, Any], *, kind: str, title: str) -> None:
    """The owner, else the grid's posts, else the community (its duty queue)."""
    common = {
        "kind": kind,
        "title": title,
        "params": _notice_params(row),
        "link": f"/resident-reports/{row['id']}",
        "object_type": "resident_report",
        "object_id": row["id"],
    }
    if row["owner"]:
        await notify(account_id=row["owner"], **common)
        return
    workers = await access.grid_posts(row)
    for account_id in workers:
        await notify(account_id=account_id, **common)
    if not workers and row["community"]:
        await notify(organization_id=row["community"], **common)


async def chase(principal: Principal, report_id: int, data: ChaseIn) -> ReportOut:
    """催办: a superior presses the handler; counted on the report (催办率)."""
    row = await get_visible_row(principal, report_id)
    if not access.supervises(principal, row):
        raise Forbidden("Only a superior of the report's grid chases it")
    async with write_transaction():
        await _change(
            principal,
            row,
            "chase",
            {ResidentReport.chase_count: ResidentReport.chase_count + 1},
            ResidentReport.status.is_in(list(OPEN_STATUSES)),
            reason=data.note.strip(),
        )
        await notify_handlers(row, kind="report_chased", title="Report #{id} ({category}) was chased (催办)")
    return await get_report(principal, report_id)


async def actions_for(principal: Principal, report_id: int) -> set[str]:
    """What the principal may do to the report now (the page shows only these)."""
    row = await get_visible_row(principal, report_id)
    actions: set[str] = set()
    mine = row["owner"] == principal.account_id
    if row["status"] == "submitted" and (mine or await access.can_handle(principal, row)):
        actions.add("accept")
    if mine and row["status"] in HANDLING:
        actions.update({"triage", "resolve", "transfer"})
        if row["status"] == "accepted" and row["community"]:
            actions.add("refer")
    if row["status"] in OPEN_STATUSES and access.supervises(principal, row):
        actions.update({"chase", "reassign"})
    return actions
