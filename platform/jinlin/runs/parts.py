"""Fan-out parts of a big run (services shape): each independent sub-problem is a row, claimed by one
worker at a time (pending → solving), solved under a heartbeat, and counted exactly once (solving →
done in the same transaction as ``parts_done + 1``). Whoever counts the last part merges and saves.

A part whose worker died stops beating; the reaper sends it again, and the new claim takes it over.
A duplicated message finds the part taken (or done) and does nothing.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import matching
from jinlin.core import clock
from jinlin.core.celery import celery_app, stale_before
from jinlin.core.db import insert_in_batches, is_transient, write_transaction
from jinlin.runs import service
from jinlin.runs.tables import MatchRun, RunPart

log = logging.getLogger(__name__)

SOLVE_PART = "jinlin.runs.tasks.solve_part"
FINISH_RUN = "jinlin.runs.tasks.finish_run"


async def fan_out(run_id: int, problems: list[Any]) -> None:
    """Write one row per part (once: a retried fan-out reuses them) and send one task per part."""
    async with write_transaction():
        have = await RunPart.count().where(RunPart.run == run_id)
        if not have:
            now = clock.now()
            await insert_in_batches(
                RunPart,
                [
                    RunPart(run=run_id, position=k, document=matching.dump(p), created_at=now, updated_at=now)
                    for k, p in enumerate(problems)
                ],
            )
    for k in range(len(problems)):
        send_part(run_id, k)


def send_part(run_id: int, position: int) -> None:
    celery_app.send_task(SOLVE_PART, args=[run_id, position])


def send_finish(run_id: int) -> None:
    celery_app.send_task(FINISH_RUN, args=[run_id])


def solve_document(document: dict[str, Any]) -> matching.Solution:
    """Solve one part (in a thread: the event loop stays free to beat the heartbeat)."""
    return matching.solve(matching.load(document))


async def claim_part(run_id: int, position: int) -> dict[str, Any] | None:
    """pending → solving (or a solving part whose worker stopped beating); None if not ours."""
    now = clock.now()
    running = MatchRun.select(MatchRun.id).where((MatchRun.id == run_id) & (MatchRun.status == "running"))
    if not await running.first():
        return None
    took = (
        await RunPart.update(
            {RunPart.status: "solving", RunPart.updated_at: now, RunPart.attempts: RunPart.attempts + 1}
        )
        .where(
            (RunPart.run == run_id)
            & (RunPart.position == position)
            & ((RunPart.status == "pending") | ((RunPart.status == "solving") & (RunPart.updated_at < stale_before())))
        )
        .returning(RunPart.id, RunPart.attempts, RunPart.document)
    )
    if not took:
        return None
    row = took[0]
    document = row["document"]
    if isinstance(document, str):  # returning() hands JSON back as text
        import json

        document = json.loads(document)
    return {"id": row["id"], "attempts": row["attempts"], "document": document}


async def solve_part(run_id: int, position: int) -> None:
    """Claim one part, solve it (heartbeat meanwhile), count it once; the last one finishes the run."""
    part = await claim_part(run_id, position)
    if part is None:
        log.info("part %s of run %s is not ours (taken, done or the run stopped)", position, run_id)
        return

    async def beat() -> None:
        now = clock.now()
        await RunPart.update({RunPart.updated_at: now}).where(
            (RunPart.id == part["id"]) & (RunPart.attempts == part["attempts"])
        )
        await MatchRun.update({MatchRun.updated_at: now}).where(
            (MatchRun.id == run_id) & (MatchRun.status == "running")
        )

    try:
        async with service.heartbeat(run_id, beat):
            solution = await asyncio.to_thread(solve_document, part["document"])
        await count_part(run_id, part, solution.to_dict(include_timing=True))
    except service.RunStopped:
        return
    except Exception as exc:
        if is_transient(exc):
            raise  # retried with back-off; the claim is still ours (same attempt)
        log.exception("part %s of run %s failed", position, run_id)
        await service.fail(run_id, exc)


async def count_part(run_id: int, part: dict[str, Any], solution: dict[str, Any]) -> None:
    now = clock.now()
    async with write_transaction():
        # Only the claim that is still current may count (a worker taken for dead and replaced is not).
        done = (
            await RunPart.update({RunPart.status: "done", RunPart.solution: solution, RunPart.updated_at: now})
            .where((RunPart.id == part["id"]) & (RunPart.status == "solving") & (RunPart.attempts == part["attempts"]))
            .returning(RunPart.id)
        )
        if not done:
            return
        counted = (
            await MatchRun.update({MatchRun.parts_done: MatchRun.parts_done + 1, MatchRun.updated_at: now})
            .where((MatchRun.id == run_id) & (MatchRun.status == "running"))
            .returning(MatchRun.parts_done, MatchRun.parts_total)
        )
        if not counted:
            raise service.RunStopped(run_id)  # cancelled meanwhile: the part is not counted either
        n, total = counted[0]["parts_done"], counted[0]["parts_total"]
        await MatchRun.update(
            {
                MatchRun.progress: service.LOADED + (service.SOLVED - service.LOADED) * n / total,
                MatchRun.phase: f"solving {n}/{total}",
            }
        ).where(MatchRun.id == run_id)
    if n >= total:
        await finish_parts(run_id)


async def finish_parts(run_id: int) -> None:
    """Merge the parts' solutions and save (the run's summary is on its row); once, by the conditional
    running → succeeded update inside ``service.finish``."""
    try:
        row = await service.get_row(run_id)
        if row["status"] != "running":
            return
        parts = (
            await RunPart.select(RunPart.status, RunPart.solution)
            .where(RunPart.run == run_id)
            .order_by(RunPart.position)
            .output(load_json=True)
        )
        if not parts or any(p["status"] != "done" for p in parts):
            return
        solutions = [service.solution_from_dict(p["solution"]) for p in parts]
        await service.finish(run_id, row["result"] or {}, matching.merge(solutions))
    except service.RunStopped:
        return
    except Exception as exc:
        log.exception("run %s failed while merging", run_id)
        await service.fail(run_id, exc)
