"""/api/v1/setup: templates and all-or-nothing imports of organisations, accounts and 报到."""

from __future__ import annotations

from urllib.parse import quote

from litestar import get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, MultipartBody
from litestar.response import Response

from jinlin.auth.principal import Principal
from jinlin.core.errors import Forbidden, NotFound
from jinlin.core.tabular import read_upload
from jinlin.imports import service as imports
from jinlin.imports.api import ACCEPTED, accepted
from jinlin.setup import service, sheets
from jinlin.setup.schemas import NewAccountOut, SetupImportResult

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_response(principal: Principal, name: str) -> Response:
    """A blank template, for those who may import it (the set-up page is theirs alone)."""
    if not service.may_set_up(principal):
        raise Forbidden("Only county, street and community administrators set up from Excel")
    sheet = sheets.SHEETS.get(name)
    if sheet is None:
        raise NotFound("No such template")
    return Response(
        sheets.template(sheet),
        media_type=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="{name}-template.xlsx"; '
            f"filename*=UTF-8''{quote(sheet.title + '导入模板.xlsx')}"
        },
    )


@get("/setup/templates/{name:str}", tags=["setup"])
async def setup_template(principal: NamedDependency[Principal], name: FromPath[str]) -> Response:
    return template_response(principal, name.removesuffix(".xlsx"))


@post("/setup/import/{name:str}", tags=["setup"], status_code=201, responses=ACCEPTED)
async def setup_import(
    principal: NamedDependency[Principal], name: FromPath[str], data: MultipartBody[dict[str, UploadFile]]
) -> Response[SetupImportResult]:
    """A small file is imported at once (201); a large one becomes a background job (202, see /imports);
    accounts always at once (their one-time passwords are in the answer, never stored)."""
    service.check_import(principal, name)  # an unknown sheet is 404 before anything else
    done = await imports.start(principal, f"setup:{name}", await read_upload(data.get("file")))
    if done.job:
        return accepted(done.job)
    ids, accounts = done.result
    result = SetupImportResult(
        imported=len(ids) + len(accounts),
        ids=ids,
        accounts=[
            NewAccountOut(a.username, a.display_name, a.organization, a.role, a.one_time_password) for a in accounts
        ],
    )
    # one-time passwords: never kept by a cache
    return Response(result, status_code=201, headers={"Cache-Control": "no-store"})


ROUTES = [setup_template, setup_import]
