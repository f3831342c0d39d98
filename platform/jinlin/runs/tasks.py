"""Celery tasks of matching runs. Each takes ids (and, for a part, its sub-problem document), re-reads
rows, and is safe to run twice: the run is claimed with a conditional update (see service)."""

from __future__ import annotations

from typing import Any

from celery import chord, group

import matching
from jinlin.core.celery import celery_app, run_body
from jinlin.runs import service


@celery_app.task(name="jinlin.runs.tasks.execute_run", acks_late=True)
def execute_run(run_id: int) -> None:
    """Load → solve → save; a big run fans out to ``solve_part`` tasks merged by ``finish_run``."""
    run_body(_execute_distributed, run_id)


async def _execute_distributed(run_id: int) -> None:
    await service.execute(run_id, distribute=True)


@celery_app.task(name="jinlin.runs.tasks.solve_part", acks_late=True)
def solve_part(run_id: int, document: dict[str, Any]) -> dict[str, Any]:
    """Solve one independent sub-problem; the solution document goes to the chord's final task."""
    solution = matching.solve(matching.load(document))
    run_body(service.part_done, run_id)
    return solution.to_dict(include_timing=True)


@celery_app.task(name="jinlin.runs.tasks.finish_run", acks_late=True)
def finish_run(documents: list[dict[str, Any]], run_id: int) -> None:
    run_body(service.finish_parts, run_id, documents)


def fan_out(run_id: int, documents: list[dict[str, Any]]) -> None:
    """One task per component, solved in parallel by the workers, merged by a final task (a chord)."""
    chord(group(solve_part.s(run_id, doc) for doc in documents))(finish_run.s(run_id))
