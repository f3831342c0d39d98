"""The page of one import job: its progress (htmx polling, refreshed until it ends), then its outcome."""

from __future__ import annotations

from typing import Any

from litestar import Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from jinlin.auth.principal import Principal
from jinlin.core.pages import render
from jinlin.imports import service
from jinlin.imports.schemas import ImportJobOut
from jinlin.imports.tables import ACTIVE_STATUSES


def _context(job: ImportJobOut) -> dict[str, Any]:
    share = min(1.0, job.rows_done / job.rows_total) if job.rows_total else 0.0
    return {
        "job": job,
        "active": job.status in ACTIVE_STATUSES,
        "share": share if job.status != "done" else 1.0,
        "title": service.kind_title(job.kind),
        "back": service.kind_back(job.kind),
    }


@get("/imports/{job_id:int}", include_in_schema=False)
async def job_page(principal: NamedDependency[Principal], job_id: FromPath[int]) -> Template:
    job = await service.get_job(principal, job_id)
    return render("imports/job.html", principal, **_context(job))


@get("/imports/{job_id:int}/progress", include_in_schema=False)
async def job_progress(principal: NamedDependency[Principal], job_id: FromPath[int]) -> Template | Response:
    job = await service.get_job(principal, job_id)
    if job.status not in ACTIVE_STATUSES:
        return Response(content="", headers={"HX-Refresh": "true"})  # ended: the whole page shows the outcome
    return render("imports/_progress.html", principal, **_context(job))


ROUTES = [job_page, job_progress]
