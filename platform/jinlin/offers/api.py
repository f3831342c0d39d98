"""/api/v1/offers: thin handlers over ``offers.service``."""

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
from jinlin.needs.api import XLSX
from jinlin.needs.schemas import ImportResult
from jinlin.offers import service, spreadsheet
from jinlin.offers.schemas import OfferIn, OfferOut, OfferPatch


class OfferController(Controller):
    path = "/offers"
    tags = ["offers"]

    @get("/")
    async def list_offers(
        self,
        principal: NamedDependency[Principal],
        paging: NamedDependency[PageRequest],
        status: FromQuery[str | None] = None,
        category: FromQuery[str | None] = None,
        area_id: FromQuery[int | None] = None,
        organization_id: FromQuery[int | None] = None,
        q: FromQuery[str | None] = None,
    ) -> Page[OfferOut]:
        return await service.list_offers(
            principal, paging, status=status, category=category, area_id=area_id, organization_id=organization_id, q=q
        )

    @post("/")
    async def create_offer(self, principal: NamedDependency[Principal], data: JSONBody[OfferIn]) -> OfferOut:
        return await service.create_offer(principal, data)

    @get("/{offer_id:int}")
    async def get_offer(self, principal: NamedDependency[Principal], offer_id: FromPath[int]) -> OfferOut:
        return await service.get_offer(principal, offer_id)

    @patch("/{offer_id:int}")
    async def update_offer(
        self, principal: NamedDependency[Principal], offer_id: FromPath[int], data: JSONBody[OfferPatch]
    ) -> OfferOut:
        return await service.update_offer(principal, offer_id, data)

    @post("/{offer_id:int}/publish", status_code=200)
    async def publish(self, principal: NamedDependency[Principal], offer_id: FromPath[int]) -> OfferOut:
        return await service.publish_offer(principal, offer_id)

    @post("/{offer_id:int}/pause", status_code=200)
    async def pause(self, principal: NamedDependency[Principal], offer_id: FromPath[int]) -> OfferOut:
        return await service.pause_offer(principal, offer_id)

    @post("/{offer_id:int}/withdraw", status_code=200)
    async def withdraw(self, principal: NamedDependency[Principal], offer_id: FromPath[int]) -> OfferOut:
        return await service.withdraw_offer(principal, offer_id)

    @get("/export.xlsx", media_type=XLSX)
    async def export(
        self,
        principal: NamedDependency[Principal],
        status: FromQuery[str | None] = None,
        category: FromQuery[str | None] = None,
        area_id: FromQuery[int | None] = None,
        organization_id: FromQuery[int | None] = None,
    ) -> Response[bytes]:
        content = await spreadsheet.export_offers(
            principal, status=status, category=category, area_id=area_id, organization_id=organization_id
        )
        return Response(content, media_type=XLSX, headers={"content-disposition": 'attachment; filename="offers.xlsx"'})

    @post("/import", status_code=201, responses=ACCEPTED)
    async def import_offers(
        self,
        principal: NamedDependency[Principal],
        data: MultipartBody[dict[str, UploadFile]],
        organization_id: FromQuery[int | None] = None,
    ) -> Response[ImportResult]:
        """A small file is imported at once (201); a large one becomes a background job (202, see /imports)."""
        done = await imports.start(
            principal, "offers", await read_upload(data.get("file")), {"organization_id": organization_id}
        )
        if done.job:
            return accepted(done.job)
        return Response(ImportResult(imported=len(done.result), ids=done.result), status_code=201)


ROUTES = [OfferController]
