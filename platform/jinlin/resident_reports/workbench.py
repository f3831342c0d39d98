"""今日待办 items from residents' reports: the reports waiting for me (to accept, or mine to resolve) and the
督办 list (overdue reports escalated to a level I answer for)."""

from __future__ import annotations

from jinlin.auth.principal import Principal
from jinlin.core.i18n import translate
from jinlin.core.pagination import PageRequest
from jinlin.core.workbench import WorkItem
from jinlin.resident_reports import access, service
from jinlin.resident_reports.labels import report_label
from jinlin.resident_reports.schemas import ReportOut

LIMIT = 30


def _item(r: ReportOut, group: str, priority: int) -> WorkItem:
    detail = r.area_name
    if r.overdue:
        detail = f"{translate('Overdue')} · {detail}"
    return WorkItem(
        group=group,
        title=f"#{r.id} {translate(report_label('category', r.category))}",
        href=f"/resident-reports/{r.id}",
        due_at=r.resolve_by if r.status != "submitted" else r.respond_by,
        colour=r.colour,
        detail=detail,
        priority=priority - 10 if r.overdue else priority,
    )


async def items(principal: Principal) -> list[WorkItem]:
    if not principal.is_staff:
        return []
    out: list[WorkItem] = []
    paging = PageRequest(limit=LIMIT)
    waiting = await service.list_reports(principal, paging, status="submitted")
    rows = await service.get_rows([r.id for r in waiting.items])
    can_handle = await access.handler(principal, [rows[r.id] for r in waiting.items if r.owner_id is None])
    for r in waiting.items:
        if r.owner_id == principal.account_id or (r.owner_id is None and can_handle(rows[r.id])):
            out.append(_item(r, "Reports waiting for me", 30))
    mine = await service.list_reports(principal, paging, status="accepted,referred", mine=True)
    out.extend(_item(r, "Reports waiting for me", 35) for r in mine.items)
    escalated = await service.list_reports(principal, paging, escalated=True)
    rows = await service.get_rows([r.id for r in escalated.items])
    for r in escalated.items:
        if access.supervises(principal, rows[r.id]) and r.owner_id != principal.account_id:
            out.append(_item(r, "Escalated to you", 20))
    return out
