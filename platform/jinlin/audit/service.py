"""Writing and reading the audit log. Services call ``record`` inside their own transaction."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from jinlin.audit.tables import AuditEvent
from jinlin.core import clock


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
    return {
        k: [_jsonable(before.get(k)), _jsonable(v)]
        for k, v in after.items()
        if before.get(k) != v
    }


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
