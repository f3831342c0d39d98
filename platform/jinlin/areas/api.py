"""/api/v1/areas: thin handlers that parse, authorise through the service, and answer."""

from __future__ import annotations

from litestar import Controller, Response, delete, get, patch, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody

from jinlin.areas import service
from jinlin.areas.schemas import AreaImportResult, AreaIn, AreaOut, AreaPatch
from jinlin.auth.principal import Principal
from jinlin.core.pagination import Page, PageRequest
from jinlin.core.tabular import read_upload
from jinlin.imports import service as imports
from jinlin.imports.api import ACCEPTED, accepted


class AreaController(Controller):
    path = "/areas"
    tags = ["areas"]

    @get("/")
    async def list_areas(
        self,
        principal: NamedDependency[Principal],
        paging: NamedDependency[PageRequest],
        level: FromQuery[str | None] = None,
        parent_id: FromQuery[int | None] = None,
        area_id: FromQuery[int | None] = None,
        q: FromQuery[str | None] = None,
    ) -> Page[AreaOut]:
        return await service.list_areas(principal, paging, level=level, parent_id=parent_id, area_id=area_id, q=q)

    @post("/")
    async def create_area(self, principal: NamedDependency[Principal], data: JSONBody[AreaIn]) -> AreaOut:
        return await service.create_area(principal, data)

    @get("/{area_id:int}")
    async def get_area(self, principal: NamedDependency[Principal], area_id: FromPath[int]) -> AreaOut:
        return await service.get_area(principal, area_id)

    @patch("/{area_id:int}")
    async def update_area(
        self, principal: NamedDependency[Principal], area_id: FromPath[int], data: JSONBody[AreaPatch]
    ) -> AreaOut:
        return await service.update_area(principal, area_id, data)

    @delete("/{area_id:int}")
    async def delete_area(self, principal: NamedDependency[Principal], area_id: FromPath[int]) -> None:
        await service.delete_area(principal, area_id)

    @post("/import", status_code=201, responses=ACCEPTED)
    async def import_areas(
        self, principal: NamedDependency[Principal], data: MultipartBody[dict[str, UploadFile]]
    ) -> Response[AreaImportResult]:
        """A small file is imported at once (201); a large one becomes a background job (202, see /imports)."""
        done = await imports.start(principal, "areas", await read_upload(data.get("file")))
        if done.job:
            return accepted(done.job)
        return Response(AreaImportResult(imported=len(done.result), ids=done.result), status_code=201)


ROUTES = [AreaController]
