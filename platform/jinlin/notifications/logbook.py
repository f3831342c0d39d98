"""Reading deliveries: an account's own, and per-channel statistics and failures for county admins."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from jinlin.auth.principal import Principal
from jinlin.core.errors import Forbidden
from jinlin.core.pagination import PageRequest
from jinlin.notifications import kinds
from jinlin.notifications.tables import Delivery

PUBLIC_COLUMNS = (
    Delivery.id,
    Delivery.kind,
    Delivery.channel,
    Delivery.recipient,
    Delivery.status,
    Delivery.attempts,
    Delivery.provider_id,
    Delivery.error,
    Delivery.created_at,
    Delivery.sent_at,
)


def _out(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "label": kinds.label(row["kind"])}


async def my_deliveries(principal: Principal, paging: PageRequest) -> tuple[list[dict[str, Any]], int]:
    where = Delivery.account == principal.account_id
    rows = (
        await Delivery.select(*PUBLIC_COLUMNS)
        .where(where)
        .order_by(Delivery.id, ascending=False)
        .limit(paging.limit)
        .offset(paging.offset)
    )
    return [_out(r) for r in rows], await Delivery.count().where(where)


async def statistics(principal: Principal) -> dict[str, Any]:
    """Counts by channel and status, and the latest failures (county admins: delivery covers everyone)."""
    if not principal.is_county_admin:
        raise Forbidden("Only county administrators see delivery statistics")
    rows = await Delivery.raw("SELECT channel, status, COUNT(*) AS n FROM delivery GROUP BY channel, status")
    channels: dict[str, dict[str, int]] = defaultdict(dict)
    for r in rows:
        channels[r["channel"]][r["status"]] = int(r["n"])
    failures = (
        await Delivery.select(*PUBLIC_COLUMNS)
        .where(Delivery.status == "failed")
        .order_by(Delivery.id, ascending=False)
        .limit(50)
    )
    return {
        "channels": [
            {"channel": c, "counts": counts, "total": sum(counts.values())} for c, counts in sorted(channels.items())
        ],
        "failures": [_out(f) for f in failures],
    }
