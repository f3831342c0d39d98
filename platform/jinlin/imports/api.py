"""/api/v1/imports: the caller's own import jobs (progress and outcome), and the 202 answer that starts one."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath

from jinlin.auth.principal import Principal
from jinlin.core.pagination import Page, PageRequest
from jinlin.imports import service
from jinlin.imports.schemas import ImportAccepted, ImportJobOut

# The extra answer of every import route, in its OpenAPI entry (its usual 201 answer is unchanged).
ACCEPTED = {
    202: ResponseSpec(
        data_container=ImportAccepted,
        description="A large file: imported in the background; GET status_url for progress and outcome",
    )
}


def accepted(job: ImportAccepted) -> Response[Any]:
    """An import route's answer for a large file: 202, the job's id, where to watch it."""
    return Response(job, status_code=202, headers={"Location": job.status_url})


class ImportJobController(Controller):
    path = "/imports"
    tags = ["imports"]

    @get("/")
    async def list_jobs(
        self, principal: NamedDependency[Principal], paging: NamedDependency[PageRequest]
    ) -> Page[ImportJobOut]:
        return await service.list_jobs(principal, paging)

    @get("/{job_id:int}")
    async def get_job(self, principal: NamedDependency[Principal], job_id: FromPath[int]) -> ImportJobOut:
        return await service.get_job(principal, job_id)


ROUTES = [ImportJobController]
