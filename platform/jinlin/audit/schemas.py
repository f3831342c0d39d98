"""Response shape of /api/v1/audit-events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class AuditEventOut(msgspec.Struct):
    id: int
    at: datetime
    actor_id: int | None
    actor_name: str
    action: str
    object_type: str
    object_id: int | None
    summary: str
    changes: dict[str, Any]
