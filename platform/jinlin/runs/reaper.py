"""The reaper (a periodic job): no run stays stuck because a worker died.

A running run beats a heartbeat (``updated_at``) every quarter of ``JINLIN_RUN_REAPER_BOUND_S``. When
one has gone quiet for the bound, its worker is taken for dead:

- a run solved in one piece goes back to the queue (running → queued, conditional on still being
  quiet) and is sent again; after ``MAX_ATTEMPTS`` claims it fails with the reason;
- a fanned-out run keeps its finished parts: each part that is quiet (or was never picked up) is sent
  again (its claim takes over a quiet part), and when every part is done the merge is sent again;
- a queued run nobody picked up within the bound (its message lost) is sent again.

Everything it sends is safe to receive twice: claims are conditional updates.
"""

from __future__ import annotations

import logging
from typing import Any

from jinlin.audit.service import record
from jinlin.core import clock
from jinlin.core.celery import reap_each, stale_before
from jinlin.core.db import write_transaction
from jinlin.runs import parts, service
from jinlin.runs.tables import MatchRun, RunPart

log = logging.getLogger(__name__)


async def reap(bound_s: float | None = None) -> list[int]:
    """One pass; answers the ids of the runs it acted on. ``bound_s`` defaults to the setting."""
    cutoff = stale_before(bound_s)
    quiet = (
        await MatchRun.select(MatchRun.id, MatchRun.status, MatchRun.attempts)
        .where(MatchRun.status.is_in(["queued", "running"]) & (MatchRun.updated_at < cutoff))
        .order_by(MatchRun.id)
    )
    return await reap_each(quiet, lambda run: _reap_one(run, cutoff), "run")


async def _reap_one(run: dict[str, Any], cutoff: Any) -> bool:
    run_id = run["id"]
    now = clock.now()
    still_quiet = (MatchRun.id == run_id) & (MatchRun.status == run["status"]) & (MatchRun.updated_at < cutoff)
    if run["status"] == "queued":
        if not await MatchRun.update({MatchRun.updated_at: now}).where(still_quiet).returning(MatchRun.id):
            return False
        await service.launch(run_id)
        return True
    rows = (
        await RunPart.select(RunPart.position, RunPart.status, RunPart.attempts, RunPart.updated_at)
        .where(RunPart.run == run_id)
        .order_by(RunPart.position)
    )
    if not rows:
        return await _requeue(run, still_quiet, now)
    lost = [r for r in rows if r["status"] != "done" and r["updated_at"] < cutoff]
    if any(r["attempts"] >= service.MAX_ATTEMPTS for r in lost):
        return await _give_up(run_id, still_quiet, now)
    # Touch the run so the next pass waits a full bound for the parts sent now.
    if not await MatchRun.update({MatchRun.updated_at: now}).where(still_quiet).returning(MatchRun.id):
        return False
    if all(r["status"] == "done" for r in rows):
        log.warning("run %s: every part done but not merged; sending the merge again", run_id)
        parts.send_finish(run_id)
        return True
    for r in lost:
        log.warning("run %s: part %s went quiet; sending it again", run_id, r["position"])
        parts.send_part(run_id, r["position"])
    return True


async def _requeue(run: dict[str, Any], still_quiet: Any, now: Any) -> bool:
    if run["attempts"] >= service.MAX_ATTEMPTS:
        return await _give_up(run["id"], still_quiet, now)
    async with write_transaction():
        done = (
            await MatchRun.update(
                {
                    MatchRun.status: "queued",
                    MatchRun.phase: "retrying",
                    MatchRun.progress: 0.0,
                    MatchRun.updated_at: now,
                }
            )
            .where(still_quiet)
            .returning(MatchRun.id)
        )
        if not done:
            return False
        await record(
            None,
            "retry",
            "match_run",
            run["id"],
            {"status": ["running", "queued"]},
            summary="its worker stopped responding; sent to another",
        )
    log.warning("run %s went quiet (worker lost?); back to the queue", run["id"])
    await service.launch(run["id"])
    return True


async def _give_up(run_id: int, still_quiet: Any, now: Any) -> bool:
    reason = f"the worker running it stopped responding {service.MAX_ATTEMPTS} times"
    async with write_transaction():
        done = (
            await MatchRun.update(
                {
                    MatchRun.status: "failed",
                    MatchRun.phase: "failed",
                    MatchRun.error: reason,
                    MatchRun.finished_at: now,
                    MatchRun.updated_at: now,
                }
            )
            .where(still_quiet)
            .returning(MatchRun.id)
        )
        if not done:
            return False
        await record(None, "fail", "match_run", run_id, {"status": ["running", "failed"], "error": reason})
    return True
