"""设置导入 pages: download a template, fill it in Excel, upload it; every bad row answered in Chinese."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from jinlin.auth.principal import Principal
from jinlin.core.errors import DomainError, Forbidden
from jinlin.core.nav import NavItem
from jinlin.core.pages import form_errors, redirect, render
from jinlin.core.tabular import ImportRejected, read_upload
from jinlin.imports import service as imports
from jinlin.setup import service, sheets
from jinlin.setup.api import template_response

CARDS = [("organizations", "Organisations"), ("accounts", "Accounts"), ("registrations", "Registrations (报到)")]


def _page(principal: Principal, status_code: int = 200, **ctx) -> Template:
    return render(
        "setup/index.html",
        principal,
        status_code=status_code,
        cards=CARDS,
        sheets=sheets.SHEETS,
        **{"row_errors": [], "errors": {}, "sheet": None, **ctx},
    )


@get("/setup", include_in_schema=False)
async def setup_page(principal: NamedDependency[Principal]) -> Template:
    if not service.may_set_up(principal):
        raise Forbidden("Only county, street and community administrators set up from Excel")
    return _page(principal)


@get("/setup/templates/{name:str}", include_in_schema=False)
async def setup_template_download(principal: NamedDependency[Principal], name: FromPath[str]) -> Response:
    return template_response(principal, name.removesuffix(".xlsx"))


@post("/setup/import/{name:str}", include_in_schema=False)
async def setup_import_submit(
    request: Request, principal: NamedDependency[Principal], name: FromPath[str]
) -> Template | Redirect:
    form = await request.form()
    try:
        service.check_import(principal, name)
        done = await imports.start(principal, f"setup:{name}", await read_upload(form.get("file")))
        if done.job:
            return redirect(done.job.page_url)
        ids, accounts = done.result
    except ImportRejected as exc:
        return _page(
            principal,
            400,
            sheet=name,
            row_errors=exc.errors,
            message=exc.message,
            errors={"_form": "Nothing was imported. Fix these rows and upload the file again."},
        )
    except DomainError as exc:
        return _page(principal, exc.status, sheet=name, errors=form_errors(exc))
    page = _page(principal, sheet=name, imported=len(ids) + len(accounts), accounts=accounts)
    page.headers["Cache-Control"] = "no-store"  # the one-time passwords are shown this once
    return page


ROUTES = [setup_page, setup_template_download, setup_import_submit]
NAV = [NavItem("Set up from Excel", "/setup", service.SETUP_ROLES, order=90)]
