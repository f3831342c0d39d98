"""Matching-run pages: start a run, watch its progress bar (htmx polling), read and publish the result."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from jinlin.auth.principal import AREA_ADMIN_ROLES, Principal
from jinlin.core.errors import DomainError
from jinlin.core.nav import NavItem
from jinlin.core.pages import convert_form, form_data, form_errors, redirect, render
from jinlin.core.pagination import PageRequest
from jinlin.runs import service, unmatched
from jinlin.runs.reasons import reason_text
from jinlin.runs.registry import spec_for
from jinlin.runs.schemas import MatchRunIn
from jinlin.runs.tables import ACTIVE_STATUSES


async def _index(principal: Principal, errors: dict[str, str] | None = None, status_code: int = 200) -> Template:
    runs = await service.list_runs(principal, PageRequest(limit=20))
    return render(
        "runs/list.html",
        principal,
        runs=runs.items,
        areas=await service.areas_in_charge(principal),
        errors=errors or {},
        status_code=status_code,
    )


@get("/runs", include_in_schema=False)
async def runs_page(principal: NamedDependency[Principal]) -> Template:
    return await _index(principal)


@post("/runs", include_in_schema=False)
async def start_run(request: Request, principal: NamedDependency[Principal]) -> Template | Redirect:
    form = await form_data(request)
    try:
        data = convert_form(
            {"kind": form.get("kind") or "allocation", "area_id": form.get("area_id"), "period": form.get("period")},
            MatchRunIn,
        )
        run = await service.start_run(principal, data)
    except DomainError as exc:
        return await _index(principal, form_errors(exc), exc.status)
    return redirect(f"/runs/{run.id}")


@get("/runs/{run_id:int}", include_in_schema=False)
async def run_page(principal: NamedDependency[Principal], run_id: FromPath[int]) -> Template | Redirect:
    out = await service.get_result(principal, run_id)
    run = out["run"]
    spec = spec_for(run.kind)
    if spec.result_url is not None:  # the kind shows its runs on its own page (roster: the activity)
        return redirect(spec.result_url(await service.get_row(run_id)))
    area = await service.area_of(run)
    proposals = [] if run.status in ACTIVE_STATUSES or spec.proposals is None else await spec.proposals(run.id)
    return render(
        "runs/detail.html",
        principal,
        run=run,
        result=out["result"],
        area=area,
        proposals=proposals,
        active=run.status in ACTIVE_STATUSES,
    )


@get("/runs/{run_id:int}/progress", include_in_schema=False)
async def run_progress(principal: NamedDependency[Principal], run_id: FromPath[int]) -> Template | Response:
    run = await service.get_run(principal, run_id)
    if run.status not in ACTIVE_STATUSES:
        # Finished: reload the whole page, which now shows the result.
        return Response(content="", headers={"HX-Refresh": "true"})
    return render("runs/_progress.html", principal, run=run, active=True)


@post("/runs/{run_id:int}/publish", include_in_schema=False)
async def publish(principal: NamedDependency[Principal], run_id: FromPath[int]) -> Redirect:
    await service.publish_run(principal, run_id)
    return redirect(f"/runs/{run_id}")


@post("/runs/{run_id:int}/cancel", include_in_schema=False)
async def cancel(principal: NamedDependency[Principal], run_id: FromPath[int]) -> Redirect:
    await service.cancel_run(principal, run_id)
    return redirect(f"/runs/{run_id}")


ROUTES = [runs_page, start_run, run_page, run_progress, publish, cancel]
NAV = [NavItem("Matching runs", "/runs", AREA_ADMIN_ROLES, order=40)]
TEMPLATE_FILTERS = [
    ("run_reason", reason_text),
    ("unmatched_reason", unmatched.explain),
    ("unmatched_help", unmatched.would_help),
]
