"""Celery tasks of matching runs. Each takes ids, re-reads rows, and is safe to run twice: the run and
each fan-out part are claimed with conditional updates (see service and parts); the reaper resends
what a dead worker left."""

from __future__ import annotations

from jinlin.core.celery import celery_app, run_body
from jinlin.runs import parts, reaper, service


@celery_app.task(name="jinlin.runs.tasks.execute_run", acks_late=True)
def execute_run(run_id: int) -> None:
    """Load → solve → save; a big run fans out to ``solve_part`` tasks (the last part merges)."""
    run_body(_execute_distributed, run_id)


async def _execute_distributed(run_id: int) -> None:
    await service.execute(run_id, fan_out=parts.fan_out)


@celery_app.task(name="jinlin.runs.tasks.solve_part", acks_late=True)
def solve_part(run_id: int, position: int) -> None:
    run_body(parts.solve_part, run_id, position)


@celery_app.task(name="jinlin.runs.tasks.finish_run", acks_late=True)
def finish_run(run_id: int) -> None:
    run_body(parts.finish_parts, run_id)


async def reap_stale_runs_body() -> list[int]:
    return await reaper.reap()


@celery_app.task(name="jinlin.runs.tasks.reap_stale_runs", acks_late=True)
def reap_stale_runs() -> None:
    run_body(reap_stale_runs_body)
