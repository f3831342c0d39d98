"""双向定级考核 pages: rounds, the grading form with the suggested score and its evidence, an
organisation's grade with the opinions it received (and replies), and the county's settings."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from jinlin.auth.principal import STAFF_ROLES, UNIT_ROLES, Principal
from jinlin.core.errors import DomainError, Invalid
from jinlin.core.nav import NavItem
from jinlin.core.pages import decode_form, form_data, form_errors, redirect, render
from jinlin.grading import export, service
from jinlin.grading.api import XLSX
from jinlin.grading.config import GRADES
from jinlin.grading.schemas import GradeIn, ReplyIn, RoundIn, SettingsIn
from jinlin.orgs.tables import UNIT_KINDS


def _int(raw: Any, field: str, low: int, high: int) -> int:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        raise Invalid("Check the highlighted fields", {field: "must be a whole number"}) from None
    if not low <= value <= high:
        raise Invalid("Check the highlighted fields", {field: f"must be between {low} and {high}"})
    return value


def _float(raw: Any, field: str) -> float:
    try:
        return float(str(raw).strip())
    except (TypeError, ValueError):
        raise Invalid("Check the highlighted fields", {field: "must be a number"}) from None


async def _index(principal: Principal, errors: dict[str, str] | None = None, status_code: int = 200) -> Template:
    rounds = await service.list_rounds(principal)
    return render(
        "grading/index.html",
        principal,
        rounds=rounds,
        errors=errors or {},
        status_code=status_code,
        may_open=principal.is_county_admin,
        orgs=sorted(
            {(m.organization_id, m.organization_name) for m in principal.memberships if m.role in service.GRADER_ROLES}
        ),
    )


@get("/grading", include_in_schema=False)
async def grading_index(principal: NamedDependency[Principal]) -> Template:
    return await _index(principal)


@post("/grading/rounds", include_in_schema=False)
async def open_round(principal: NamedDependency[Principal], request: Request) -> Template | Redirect:
    try:
        data, _ = await decode_form(request, RoundIn)
        rnd = await service.open_round(principal, data)
    except DomainError as exc:
        return await _index(principal, form_errors(exc), exc.status)
    return redirect(f"/grading/rounds/{rnd.id}")


@get("/grading/rounds/{round_id:int}", include_in_schema=False)
async def round_page(principal: NamedDependency[Principal], round_id: FromPath[int]) -> Template:
    rnd = await service.get_round(principal, round_id)
    assignments = await service.list_assignments(principal, round_id)
    mine = [a for a in assignments if principal.acts_for(a.grader_id, service.GRADER_ROLES)]
    staff = bool(service.GRADING_STAFF & principal.roles)
    return render(
        "grading/round.html",
        principal,
        rnd=rnd,
        mine=mine,
        staff=staff,
        others=[a for a in assignments if a not in mine] if staff else [],
        results=await service.round_results(principal, round_id),
        may_close=principal.is_county_admin and rnd.status == "open",
    )


@post("/grading/rounds/{round_id:int}/close", include_in_schema=False)
async def close_round(principal: NamedDependency[Principal], round_id: FromPath[int]) -> Redirect:
    await service.close_round(principal, round_id)
    return redirect(f"/grading/rounds/{round_id}")


@get("/grading/rounds/{round_id:int}/export.xlsx", include_in_schema=False)
async def round_export(principal: NamedDependency[Principal], round_id: FromPath[int]) -> Response[bytes]:
    name, content = await export.round_xlsx(principal, round_id)
    return Response(content, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})


async def _assignment(
    principal: Principal,
    assignment_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    a, config, may_grade = await service.get_assignment(principal, assignment_id)
    reply = await service.reply_for(principal, assignment_id)
    values = values or {
        **{f"score_{k}": v for k, v in (a.scores or a.suggested).items()},
        "opinion": a.opinion,
        "override_reason": a.override_reason,
    }
    return render(
        "grading/assignment.html",
        principal,
        a=a,
        rubric=config.rubric,
        may_grade=may_grade,
        reply=reply,
        values=values,
        errors=errors or {},
        status_code=status_code,
    )


@get("/grading/assignments/{assignment_id:int}", include_in_schema=False)
async def assignment_page(principal: NamedDependency[Principal], assignment_id: FromPath[int]) -> Template:
    return await _assignment(principal, assignment_id)


@post("/grading/assignments/{assignment_id:int}/grade", include_in_schema=False)
async def grade(
    principal: NamedDependency[Principal], request: Request, assignment_id: FromPath[int]
) -> Template | Redirect:
    form = await form_data(request)
    try:
        _, config, _ = await service.get_assignment(principal, assignment_id)
        scores = {i["key"]: _int(form.get(f"score_{i['key']}"), f"score_{i['key']}", 1, 5) for i in config.rubric}
        data = GradeIn(
            scores=scores,
            opinion=str(form.get("opinion") or "")[:2000],
            override_reason=str(form.get("override_reason") or "")[:1000],
        )
        await service.grade(principal, assignment_id, data)
    except DomainError as exc:
        errors = {k.replace("scores.", "score_"): v for k, v in form_errors(exc).items()}
        return await _assignment(principal, assignment_id, values=form, errors=errors, status_code=exc.status)
    return redirect(f"/grading/assignments/{assignment_id}")


async def _organization(
    principal: Principal,
    org_id: int,
    round_id: int | None = None,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    data = await service.organization_grading(principal, org_id, round_id)
    return render("grading/organization.html", principal, g=data, errors=errors or {}, status_code=status_code)


@get("/grading/organizations/{org_id:int}", include_in_schema=False)
async def organization_page(
    principal: NamedDependency[Principal], org_id: FromPath[int], round_id: FromQuery[int | None] = None
) -> Template:
    return await _organization(principal, org_id, round_id)


@post("/grading/assignments/{assignment_id:int}/reply", include_in_schema=False)
async def reply(
    principal: NamedDependency[Principal], request: Request, assignment_id: FromPath[int]
) -> Template | Redirect:
    form = await form_data(request)
    org_id = _int(form.get("organization_id"), "organization_id", 1, 2**63 - 1)
    try:
        await service.reply(principal, assignment_id, ReplyIn(body=str(form.get("body") or "")[:2000]).body)
    except DomainError as exc:
        return await _organization(
            principal,
            org_id,
            errors={f"body_{assignment_id}": exc.fields.get("body", exc.message)},
            status_code=exc.status,
        )
    return redirect(f"/grading/organizations/{org_id}")


async def _settings(
    principal: Principal,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    county = await service.county_area(principal)
    from jinlin.grading.config import history

    current = await service.get_settings(principal, county["id"])
    return render(
        "grading/settings.html",
        principal,
        county=county,
        s=current,
        grades=GRADES,
        history=await history(county["id"]),
        values=values or {},
        errors=errors or {},
        status_code=status_code,
    )


@get("/grading/settings", include_in_schema=False)
async def settings_page(principal: NamedDependency[Principal]) -> Template:
    return await _settings(principal)


@post("/grading/settings", include_in_schema=False)
async def settings_save(principal: NamedDependency[Principal], request: Request) -> Template | Redirect:
    form = await form_data(request)
    try:
        county = await service.county_area(principal)
        current = await service.get_settings(principal, county["id"])
        rubric = [
            {
                "key": i["key"],
                "label": i["label"],
                "sources": i.get("sources", []),
                "weight": _float(form.get(f"weight_{i['key']}", i["weight"]), f"weight_{i['key']}"),
            }
            for i in current.rubric
        ]
        data = SettingsIn(
            year_from=_int(form.get("year_from"), "year_from", 2000, 2100),
            thresholds={k: _float(form.get(f"threshold_{k}"), f"threshold_{k}") for k in GRADES[:-1]},
            show_grader=form.get("show_grader") == "on",
            scorecard_weights=current.scorecard_weights,
            rubric=[_rubric_item(i) for i in rubric],
        )
        await service.put_settings(principal, county["id"], data)
    except DomainError as exc:
        return await _settings(principal, values=form, errors=form_errors(exc), status_code=exc.status)
    return redirect("/grading/settings")


def _rubric_item(item: dict[str, Any]) -> Any:
    import msgspec

    from jinlin.grading.schemas import RubricItemIn

    try:
        return msgspec.convert(item, RubricItemIn)
    except msgspec.ValidationError as exc:
        raise Invalid("Check the highlighted fields", {f"weight_{item['key']}": str(exc)}) from None


@get("/grading/organizations/{org_id:int}/panel", include_in_schema=False)
async def organization_panel(principal: NamedDependency[Principal], org_id: FromPath[int]) -> Template:
    """The latest grade on the organisation's page, for those who may see it (404 otherwise: nothing shown)."""
    return render("grading/_org_panel.html", principal, g=await service.organization_grading(principal, org_id))


ROUTES = [
    organization_panel,
    grading_index,
    open_round,
    round_page,
    close_round,
    round_export,
    assignment_page,
    grade,
    organization_page,
    reply,
    settings_page,
    settings_save,
]
NAV = [NavItem("Two-way grading", "/grading", STAFF_ROLES | UNIT_ROLES, order=82)]
ORG_PANELS = [(kind, "grading/_org_section.html") for kind in sorted(UNIT_KINDS | {"community"})]


def _grade_label(grade: str) -> str:
    return export.grade_label(grade)


TEMPLATE_FILTERS = [("grade_label", _grade_label)]
