"""/api/v1/organizations and /api/v1/registrations (报到): parse, call the service, answer."""

from __future__ import annotations

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from jinlin.auth.principal import Principal
from jinlin.core.pagination import Page, PageRequest
from jinlin.orgs import service
from jinlin.orgs.schemas import (
    Kind,
    OrganizationIn,
    OrganizationOut,
    OrganizationPatch,
    RegistrationIn,
    RegistrationOut,
)


class OrganizationController(Controller):
    path = "/organizations"
    tags = ["organizations"]

    @get("/")
    async def list_organizations(
        self,
        principal: NamedDependency[Principal],
        paging: NamedDependency[PageRequest],
        kind: FromQuery[Kind | None] = None,
        area_id: FromQuery[int | None] = None,
        q: FromQuery[str | None] = None,
    ) -> Page[OrganizationOut]:
        return await service.list_organizations(principal, paging, kind=kind, area_id=area_id, q=q)

    @post("/")
    async def create_organization(
        self, principal: NamedDependency[Principal], data: JSONBody[OrganizationIn]
    ) -> OrganizationOut:
        return await service.create_organization(principal, data)

    @get("/{org_id:int}")
    async def get_organization(self, principal: NamedDependency[Principal], org_id: FromPath[int]) -> OrganizationOut:
        return await service.get_organization(principal, org_id)

    @patch("/{org_id:int}")
    async def update_organization(
        self, principal: NamedDependency[Principal], org_id: FromPath[int], data: JSONBody[OrganizationPatch]
    ) -> OrganizationOut:
        return await service.update_organization(principal, org_id, data)

    @post("/{org_id:int}/registrations")
    async def register(
        self, principal: NamedDependency[Principal], org_id: FromPath[int], data: JSONBody[RegistrationIn]
    ) -> RegistrationOut:
        return await service.register(principal, org_id, data)

    @get("/{org_id:int}/registrations")
    async def list_registrations(
        self,
        principal: NamedDependency[Principal],
        paging: NamedDependency[PageRequest],
        org_id: FromPath[int],
        status: FromQuery[str | None] = None,
    ) -> Page[RegistrationOut]:
        return await service.list_registrations(principal, org_id, paging, status=status)


@post("/registrations/{registration_id:int}/end", tags=["organizations"], status_code=200)
async def end_registration(principal: NamedDependency[Principal], registration_id: FromPath[int]) -> RegistrationOut:
    return await service.end_registration(principal, registration_id)


@get("/registrations/mine", tags=["organizations"])
async def my_registrations(principal: NamedDependency[Principal]) -> list[RegistrationOut]:
    """The caller's own 报到 as a party member, to see and end it."""
    return await service.my_registrations(principal)


ROUTES = [OrganizationController, end_registration, my_registrations]
