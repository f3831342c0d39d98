"""/api/v1/audit-events: the audit log for county admins."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromQuery

from jinlin.audit import service
from jinlin.audit.schemas import AuditEventOut
from jinlin.auth.principal import Principal
from jinlin.core.pagination import Page, PageRequest


@get("/audit-events", tags=["audit"])
async def list_audit_events(
    principal: NamedDependency[Principal],
    paging: NamedDependency[PageRequest],
    object_type: FromQuery[str | None] = None,
    object_id: FromQuery[int | None] = None,
    actor_id: FromQuery[int | None] = None,
    action: FromQuery[str | None] = None,
) -> Page[AuditEventOut]:
    return await service.list_events(
        principal, paging, object_type=object_type, object_id=object_id, actor_id=actor_id, action=action
    )


ROUTES = [list_audit_events]
