"""Celery tasks of import jobs: each takes an id and is safe to run twice (the claim is conditional)."""

from __future__ import annotations

from jinlin.core.celery import celery_app, run_body
from jinlin.imports import service


@celery_app.task(name=service.RUN_TASK, acks_late=True)
def run_import_job(job_id: int) -> None:
    run_body(service.execute, job_id)


async def reap_stale_imports_body() -> list[int]:
    return await service.reap()


@celery_app.task(name="jinlin.imports.tasks.reap_stale_imports", acks_late=True)
def reap_stale_imports() -> None:
    run_body(reap_stale_imports_body)
