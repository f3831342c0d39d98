"""Writing and reading the audit log. Services call ``record`` inside their own transaction."""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Any

from jinlin.audit.schemas import AuditEventOut
from jinlin.audit.tables import AuditEvent
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.errors import Forbidden
from jinlin.core.pagination import PageRequest, fetch_filtered


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Changed fields as {field: [old, new]}."""
    return {k: [_jsonable(before.get(k)), _jsonable(v)] for k, v in after.items() if before.get(k) != v}


async def record(
    actor: Any,
    action: str,
    object_type: str,
    object_id: int | None,
    changes: dict[str, Any] | None = None,
    summary: str = "",
) -> None:
    """Append one audit row; ``actor`` is a Principal, an Account row or None (the system)."""
    actor_id = getattr(actor, "account_id", None) or getattr(actor, "id", None)
    actor_name = getattr(actor, "username", "") or ("system" if actor is None else "")
    await AuditEvent.insert(
        AuditEvent(
            at=clock.now(),
            actor_id=actor_id,
            actor_name=actor_name,
            action=action,
            object_type=object_type,
            object_id=object_id,
            summary=summary[:255],
            changes=_jsonable(changes or {}),
        )
    )


async def recorded_kinds() -> dict[str, list[str]]:
    """The object types and actions the log holds (the filters' drop-downs)."""
    types = await AuditEvent.select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)
    actions = await AuditEvent.select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    return {"object_types": [r["object_type"] for r in types], "actions": [r["action"] for r in actions]}


async def list_events(
    principal: Principal,
    paging: PageRequest,
    *,
    object_type: str | None = None,
    object_id: int | None = None,
    actor_id: int | None = None,
    action: str | None = None,
) -> Any:
    """The audit log, newest first: county admins only."""

    if not principal.is_county_admin:
        raise Forbidden("Only county admins read the audit log")
    where = []
    if object_type:
        where.append(AuditEvent.object_type == object_type)
    if object_id is not None:
        where.append(AuditEvent.object_id == object_id)
    if actor_id is not None:
        where.append(AuditEvent.actor_id == actor_id)
    if action:
        where.append(AuditEvent.action == action)
    query = AuditEvent.select().order_by(AuditEvent.at, ascending=False).order_by(AuditEvent.id, ascending=False)
    rows, total = await fetch_filtered(query, AuditEvent, where, paging)
    items = []
    for r in rows:
        changes = r["changes"]
        if isinstance(changes, str):
            changes = json.loads(changes or "{}")
        items.append(
            AuditEventOut(
                id=r["id"],
                at=r["at"],
                actor_id=r["actor_id"],
                actor_name=r["actor_name"],
                action=r["action"],
                object_type=r["object_type"],
                object_id=r["object_id"],
                summary=r["summary"],
                changes=changes if isinstance(changes, dict) else {"value": changes},
            )
        )
    return paging.page(items, total)
