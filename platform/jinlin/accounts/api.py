"""/api/v1/accounts: parse, call the service, answer."""

from __future__ import annotations

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from jinlin.accounts import service
from jinlin.accounts.schemas import AccountIn, AccountOut, AccountPatch, RoleName
from jinlin.auth.principal import Principal
from jinlin.core.pagination import Page, PageRequest


class AccountController(Controller):
    path = "/accounts"
    tags = ["accounts"]

    @get("/")
    async def list_accounts(
        self,
        principal: NamedDependency[Principal],
        paging: NamedDependency[PageRequest],
        organization_id: FromQuery[int | None] = None,
        role: FromQuery[RoleName | None] = None,
        q: FromQuery[str | None] = None,
    ) -> Page[AccountOut]:
        return await service.list_accounts(principal, paging, organization_id=organization_id, role=role, q=q)

    @post("/")
    async def create_account(self, principal: NamedDependency[Principal], data: JSONBody[AccountIn]) -> AccountOut:
        return await service.create_account_by(principal, data)

    @get("/{account_id:int}")
    async def get_account(self, principal: NamedDependency[Principal], account_id: FromPath[int]) -> AccountOut:
        return await service.get_account(principal, account_id)

    @patch("/{account_id:int}")
    async def update_account(
        self, principal: NamedDependency[Principal], account_id: FromPath[int], data: JSONBody[AccountPatch]
    ) -> AccountOut:
        return await service.update_account(principal, account_id, data)


ROUTES = [AccountController]
