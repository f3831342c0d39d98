"""/api/v1/needs: thin handlers over ``needs.service``."""

from __future__ import annotations

from litestar import Controller, Response, get, patch, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody

from jinlin.auth.principal import Principal
from jinlin.core.pagination import Page, PageRequest
from jinlin.core.tabular import read_upload
from jinlin.imports import service as imports
from jinlin.imports.api import ACCEPTED, accepted
from jinlin.needs import service, spreadsheet
from jinlin.needs.schemas import ImportResult, NeedIn, NeedOut, NeedPatch

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class NeedController(Controller):
    path = "/needs"
    tags = ["needs"]

    @get("/")
    async def list_needs(
        self,
        principal: NamedDependency[Principal],
        paging: NamedDependency[PageRequest],
        status: FromQuery[str | None] = None,
        category: FromQuery[str | None] = None,
        colour: FromQuery[str | None] = None,
        area_id: FromQuery[int | None] = None,
        community_id: FromQuery[int | None] = None,
        q: FromQuery[str | None] = None,
        overdue: FromQuery[bool | None] = None,
    ) -> Page[NeedOut]:
        return await service.list_needs(
            principal,
            paging,
            status=status,
            category=category,
            colour=colour,
            area_id=area_id,
            community_id=community_id,
            q=q,
            overdue=overdue,
        )

    @post("/")
    async def create_need(self, principal: NamedDependency[Principal], data: JSONBody[NeedIn]) -> NeedOut:
        return await service.create_need(principal, data)

    @get("/{need_id:int}")
    async def get_need(self, principal: NamedDependency[Principal], need_id: FromPath[int]) -> NeedOut:
        return await service.get_need(principal, need_id)

    @patch("/{need_id:int}")
    async def update_need(
        self, principal: NamedDependency[Principal], need_id: FromPath[int], data: JSONBody[NeedPatch]
    ) -> NeedOut:
        return await service.update_need(principal, need_id, data)

    @post("/{need_id:int}/publish", status_code=200)
    async def publish(self, principal: NamedDependency[Principal], need_id: FromPath[int]) -> NeedOut:
        return await service.publish_need(principal, need_id)

    @post("/{need_id:int}/cancel", status_code=200)
    async def cancel(self, principal: NamedDependency[Principal], need_id: FromPath[int]) -> NeedOut:
        return await service.cancel_need(principal, need_id)

    @post("/{need_id:int}/resolve", status_code=200)
    async def resolve(self, principal: NamedDependency[Principal], need_id: FromPath[int]) -> NeedOut:
        return await service.resolve_need(principal, need_id)

    @post("/{need_id:int}/close", status_code=200)
    async def close(self, principal: NamedDependency[Principal], need_id: FromPath[int]) -> NeedOut:
        return await service.close_need(principal, need_id)

    @get("/export.xlsx", media_type=XLSX)
    async def export(
        self,
        principal: NamedDependency[Principal],
        status: FromQuery[str | None] = None,
        category: FromQuery[str | None] = None,
        colour: FromQuery[str | None] = None,
        area_id: FromQuery[int | None] = None,
        community_id: FromQuery[int | None] = None,
    ) -> Response[bytes]:
        content = await spreadsheet.export_needs(
            principal, status=status, category=category, colour=colour, area_id=area_id, community_id=community_id
        )
        return Response(content, media_type=XLSX, headers={"content-disposition": 'attachment; filename="needs.xlsx"'})

    @post("/import", status_code=201, responses=ACCEPTED)
    async def import_needs(
        self,
        principal: NamedDependency[Principal],
        data: MultipartBody[dict[str, UploadFile]],
        community_id: FromQuery[int | None] = None,
    ) -> Response[ImportResult]:
        """A small file is imported at once (201); a large one becomes a background job (202, see /imports)."""
        done = await imports.start(
            principal, "needs", await read_upload(data.get("file")), {"community_id": community_id}
        )
        if done.job:
            return accepted(done.job)
        return Response(ImportResult(imported=len(done.result), ids=done.result), status_code=201)


ROUTES = [NeedController]
