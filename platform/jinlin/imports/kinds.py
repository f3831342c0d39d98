"""The imports a job can run: for each, who may (checked before the file is read) and the import itself.

Each feature keeps its own all-or-nothing import function; this table only names them, so one job
mechanism (``imports.service``) serves every import route.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from jinlin.areas import service as areas
from jinlin.auth.principal import Principal
from jinlin.core.errors import NotFound
from jinlin.households import spreadsheet as households
from jinlin.needs import spreadsheet as needs
from jinlin.offers import spreadsheet as offers
from jinlin.posts import importer as posts
from jinlin.setup import service as setup
from jinlin.setup import sheets

Params = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ImportKind:
    name: str
    title: str  # an English msgid: "Needs list", shown on the job's page
    # Who may import, with which options (raises Forbidden/Invalid/NotFound); answers the options resolved
    # (``community_id`` chosen), as the job keeps them. Never reads the file.
    authorize: Callable[[Principal, Params], Awaitable[Params]]
    # The import itself: (principal, filename, content, options) → the feature's own result.
    run: Callable[[Principal, str, bytes, Params], Awaitable[Any]]
    back: str  # the page to import another file from
    # False: always answered in the request (set-up accounts: their one-time passwords are shown once in the
    # answer and never stored, not even encrypted in a job).
    background: bool = True


async def _needs_authorize(principal: Principal, params: Params) -> Params:
    return {"community_id": needs.import_community(principal, params.get("community_id"))}


async def _needs_run(principal: Principal, filename: str, content: bytes, params: Params) -> Any:
    return await needs.import_needs(principal, filename, content, params["community_id"])


async def _offers_authorize(principal: Principal, params: Params) -> Params:
    return {"organization_id": offers.import_organization(principal, params.get("organization_id"))}


async def _offers_run(principal: Principal, filename: str, content: bytes, params: Params) -> Any:
    return await offers.import_offers(principal, filename, content, params["organization_id"])


async def _areas_authorize(principal: Principal, params: Params) -> Params:
    areas.check_import(principal)
    return {}


async def _areas_run(principal: Principal, filename: str, content: bytes, params: Params) -> Any:
    return await areas.import_areas(principal, filename, content)


async def _households_authorize(principal: Principal, params: Params) -> Params:
    community_id, _, _ = await households.community_of_staff(principal, params.get("community_id"))
    return {"community_id": community_id}


async def _households_run(principal: Principal, filename: str, content: bytes, params: Params) -> Any:
    return await households.import_households(principal, filename, content, params["community_id"])


async def _posts_authorize(principal: Principal, params: Params) -> Params:
    posts.check_import(principal)
    return {}


async def _posts_run(principal: Principal, filename: str, content: bytes, params: Params) -> Any:
    return await posts.import_posts(principal, filename, content)


SETUP_TITLES = {
    "organizations": "Set-up: organisations",
    "accounts": "Set-up: accounts",
    "registrations": "Set-up: registrations (报到)",
}


def _setup(sheet: str) -> ImportKind:
    async def authorize(principal: Principal, params: Params) -> Params:
        setup.check_import(principal, sheet)
        return {}

    async def run(principal: Principal, filename: str, content: bytes, params: Params) -> Any:
        return await setup.run_import(principal, sheet, filename, content)

    title = SETUP_TITLES.get(sheet, "Set-up")
    return ImportKind(f"setup:{sheet}", title, authorize, run, "/setup", sheet != "accounts")


KINDS: dict[str, ImportKind] = {
    k.name: k
    for k in [
        ImportKind("needs", "Needs list", _needs_authorize, _needs_run, "/needs"),
        ImportKind("offers", "Offers list", _offers_authorize, _offers_run, "/offers"),
        ImportKind("areas", "Areas", _areas_authorize, _areas_run, "/areas/import"),
        ImportKind("households", "Households", _households_authorize, _households_run, "/households"),
        ImportKind("posts", "Posts", _posts_authorize, _posts_run, "/posts/import"),
        *(_setup(sheet) for sheet in sheets.SHEETS),
    ]
}


def kind_for(name: str) -> ImportKind:
    kind = KINDS.get(name)
    if kind is None:
        raise NotFound("No such import")
    return kind
