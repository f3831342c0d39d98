"""Background jobs of matches: proposals nobody finished accepting expire (过期) after a week.

A proposal that lingers keeps the need looking "responded" and, once the provider has accepted, holds
capacity that other needs could use. Each expiry is its own conditional update (``status = 'proposed'``)
in one transaction with the release, notifications and audit row, so the job is safe to run twice.
"""

from __future__ import annotations

from datetime import timedelta

from jinlin.audit.service import record
from jinlin.core import clock
from jinlin.core.celery import celery_app, run_body
from jinlin.core.db import write_transaction
from jinlin.matches.service import _notify_side, _release, get_row
from jinlin.matches.tables import Match

PROPOSAL_TTL = timedelta(days=7)


async def expire_stale_proposals_body() -> int:
    now = clock.now()
    stale = (
        await Match.select(Match.id)
        .where((Match.status == "proposed") & (Match.created_at < now - PROPOSAL_TTL))
        .order_by(Match.id)
    )
    expired = 0
    for item in stale:
        row = await get_row(item["id"])
        async with write_transaction():
            ended = (
                await Match.update({Match.status: "expired", Match.ended_at: now, Match.updated_at: now})
                .where((Match.id == row["id"]) & (Match.status == "proposed"))
                .returning(Match.provider_accepted_at)
            )
            if not ended:
                continue  # accepted or ended meanwhile
            if ended[0]["provider_accepted_at"] is not None:
                await _release(row)
            for side in ("community", "provider"):
                await _notify_side(row, side, "match_expired", "The proposal for “{need}” expired unanswered")
            await record(
                None, "expire", "match", row["id"], {"status": ["proposed", "expired"]}, summary=row["need_id.title"]
            )
        expired += 1
    return expired


@celery_app.task(name="jinlin.matches.tasks.expire_stale_proposals", acks_late=True)
def expire_stale_proposals() -> int:
    return run_body(expire_stale_proposals_body)
