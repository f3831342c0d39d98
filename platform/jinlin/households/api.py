"""/api/v1/households, /residents, /access-grants: thin handlers over the access-checked services."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Response, get, patch, post, put
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody

from jinlin.auth.principal import Principal
from jinlin.core.pagination import Page, PageRequest
from jinlin.core.tabular import read_upload
from jinlin.households import counts, grants, keeping, ledger, service, spreadsheet, tags
from jinlin.households.schemas import (
    CountsOut,
    GrantIn,
    GrantOut,
    HouseholdIn,
    HouseholdOut,
    HouseholdPatch,
    RecordAccessOut,
    ResidentIn,
    ResidentOut,
    ResidentPatch,
    RevealIn,
    RevealOut,
    SearchIn,
)
from jinlin.imports import service as imports
from jinlin.imports.api import ACCEPTED, accepted

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Purpose = Annotated[str, msgspec.Meta(max_length=200)]


class ImportOut(msgspec.Struct):
    imported: int


class TagsIn(msgspec.Struct, forbid_unknown_fields=True):
    tags: Annotated[list[Annotated[str, msgspec.Meta(min_length=1, max_length=20)]], msgspec.Meta(max_length=50)]


class HouseholdController(Controller):
    path = "/households"
    tags = ["households"]

    @get("/")
    async def list_households(
        self,
        principal: NamedDependency[Principal],
        paging: NamedDependency[PageRequest],
        grid_id: FromQuery[int | None] = None,
        building: FromQuery[str | None] = None,
        status: FromQuery[str | None] = "active",
    ) -> Page[HouseholdOut]:
        """Households you keep or were granted: address, counts, focus groups (no names)."""
        items = await service.list_households(principal, grid_id=grid_id, building=building, status=status)
        return paging.page(items[paging.offset : paging.offset + paging.limit], len(items))

    @post("/")
    async def create_household(
        self, principal: NamedDependency[Principal], data: JSONBody[HouseholdIn]
    ) -> HouseholdOut:
        return await keeping.create_household(principal, data)

    @get("/{household_id:int}")
    async def get_household(
        self, principal: NamedDependency[Principal], household_id: FromPath[int], purpose: FromQuery[Purpose] = ""
    ) -> HouseholdOut:
        """The full record with residents (ID numbers masked); each resident shown is audited."""
        return await service.get_household(principal, household_id, purpose)

    @patch("/{household_id:int}")
    async def update_household(
        self, principal: NamedDependency[Principal], household_id: FromPath[int], data: JSONBody[HouseholdPatch]
    ) -> HouseholdOut:
        return await keeping.update_household(principal, household_id, data)

    @post("/{household_id:int}/move-out", status_code=200)
    async def move_out(self, principal: NamedDependency[Principal], household_id: FromPath[int]) -> HouseholdOut:
        return await keeping.move_out_household(principal, household_id)

    @post("/{household_id:int}/residents")
    async def add_resident(
        self, principal: NamedDependency[Principal], household_id: FromPath[int], data: JSONBody[ResidentIn]
    ) -> ResidentOut:
        return await keeping.add_resident(principal, household_id, data)

    @get("/counts")
    async def counts(self, principal: NamedDependency[Principal], area_id: FromQuery[int]) -> CountsOut:
        """Counts per focus group and grid under an area: what street and county staff see."""
        return await counts.counts(principal, area_id)

    @get("/export.xlsx", media_type=XLSX)
    async def export(
        self, principal: NamedDependency[Principal], community_id: FromQuery[int | None] = None
    ) -> Response[bytes]:
        content = await spreadsheet.export_households(principal, community_id)
        return Response(
            content, media_type=XLSX, headers={"content-disposition": 'attachment; filename="households.xlsx"'}
        )

    @get("/template.xlsx", media_type=XLSX)
    async def template(self, principal: NamedDependency[Principal]) -> Response[bytes]:
        return Response(
            spreadsheet.template(),
            media_type=XLSX,
            headers={"content-disposition": 'attachment; filename="households-template.xlsx"'},
        )

    @post("/import", status_code=201, responses=ACCEPTED)
    async def import_households(
        self,
        principal: NamedDependency[Principal],
        data: MultipartBody[dict[str, UploadFile]],
        community_id: FromQuery[int | None] = None,
    ) -> Response[ImportOut]:
        """A small file is imported at once (201); a large one becomes a background job (202, see /imports)."""
        done = await imports.start(
            principal, "households", await read_upload(data.get("file")), {"community_id": community_id}
        )
        if done.job:
            return accepted(done.job)
        return Response(ImportOut(imported=done.result), status_code=201)


class ResidentController(Controller):
    path = "/residents"
    tags = ["households"]

    @get("/{resident_id:int}")
    async def get_resident(
        self, principal: NamedDependency[Principal], resident_id: FromPath[int], purpose: FromQuery[Purpose] = ""
    ) -> ResidentOut:
        return await service.get_resident(principal, resident_id, purpose)

    @patch("/{resident_id:int}")
    async def update_resident(
        self, principal: NamedDependency[Principal], resident_id: FromPath[int], data: JSONBody[ResidentPatch]
    ) -> ResidentOut:
        return await keeping.update_resident(principal, resident_id, data)

    @post("/{resident_id:int}/move-out", status_code=200)
    async def move_out(self, principal: NamedDependency[Principal], resident_id: FromPath[int]) -> ResidentOut:
        return await keeping.move_out_resident(principal, resident_id)

    @post("/{resident_id:int}/reveal-id", status_code=200)
    async def reveal(
        self, principal: NamedDependency[Principal], resident_id: FromPath[int], data: JSONBody[RevealIn]
    ) -> RevealOut:
        """The unmasked ID number, for a stated reason (audited)."""
        return await service.reveal_id(principal, resident_id, data.reason)

    @post("/search", status_code=200)
    async def search(self, principal: NamedDependency[Principal], data: JSONBody[SearchIn]) -> list[ResidentOut]:
        """Exact match by ID number (POST, so the number never sits in a URL or an access log)."""
        return await service.search_by_id(principal, data.id_number, data.purpose)


class GrantController(Controller):
    path = "/access-grants"
    tags = ["households"]

    @get("/")
    async def list_grants(self, principal: NamedDependency[Principal], community_id: FromQuery[int]) -> list[GrantOut]:
        return await grants.list_grants(principal, community_id)

    @post("/")
    async def create_grant(self, principal: NamedDependency[Principal], data: JSONBody[GrantIn]) -> GrantOut:
        return await grants.create_grant(principal, data)

    @post("/{grant_id:int}/revoke", status_code=200)
    async def revoke(self, principal: NamedDependency[Principal], grant_id: FromPath[int]) -> GrantOut:
        return await grants.revoke_grant(principal, grant_id)


@get("/record-access", tags=["households"])
async def record_access(
    principal: NamedDependency[Principal],
    paging: NamedDependency[PageRequest],
    community_id: FromQuery[int],
    resident_id: FromQuery[int | None] = None,
) -> Page[RecordAccessOut]:
    """Who read the community's residents' records, when and why (community admins, county admins)."""
    return await ledger.access_ledger(principal, community_id, paging, resident_id)


@put("/resident-tags/{county_id:int}", tags=["households"])
async def put_tags(principal: NamedDependency[Principal], county_id: FromPath[int], data: JSONBody[TagsIn]) -> TagsIn:
    """A county's extra resident tags beside the focus groups."""
    return TagsIn(tags=await tags.set_county_tags(principal, county_id, data.tags))


ROUTES = [HouseholdController, ResidentController, GrantController, record_access, put_tags]
