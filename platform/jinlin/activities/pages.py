"""志愿活动 pages (phone first): find and sign up, organise an activity, take attendance, check in."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from jinlin.activities import attendance, ratings, roster, service
from jinlin.activities.qr import checkin_path, qr_svg
from jinlin.activities.schemas import ActivityIn, RatingIn, RosterRunIn, ShiftIn, ShiftPatch, SignupIdsIn, VerifyIn
from jinlin.areas.choices import area_options
from jinlin.auth.principal import Principal
from jinlin.catalog.codes import CATEGORY_LABELS
from jinlin.core import clock
from jinlin.core.clock import LOCAL_TZ, local
from jinlin.core.errors import DomainError, Invalid, NotFound
from jinlin.core.nav import NavItem
from jinlin.core.pages import convert_form, form_data, form_errors, redirect, render
from jinlin.core.pagination import PageRequest

LOCAL = LOCAL_TZ
SHIFT_ROWS = 3


def category_label(code: str) -> str:
    return CATEGORY_LABELS.get(code, code)


async def _areas_for(principal: Principal) -> list[dict[str, Any]]:
    paths = [m.area_path for m in principal.memberships]
    if not paths:
        return await area_options(limit=300)
    return await area_options(levels=None, paths=paths, limit=300)


# -- finding and signing up ------------------------------------------------------------------


@get("/activities", include_in_schema=False)
async def activity_list(
    principal: NamedDependency[Principal],
    paging: NamedDependency[PageRequest],
    category: FromQuery[str | None] = None,
    area_id: FromQuery[int | None] = None,
    day: FromQuery[str | None] = None,
    fits_skills: FromQuery[bool] = False,
    free_time: FromQuery[bool] = False,
    near: FromQuery[bool] = False,
) -> Template:
    date_from = date_to = None
    if day:
        try:
            start = datetime.fromisoformat(day).replace(tzinfo=LOCAL)
        except ValueError as exc:
            raise Invalid("Bad date", {"day": "not a date"}) from exc
        date_from, date_to = start, start + timedelta(days=1)
    page = await service.list_activities(
        principal,
        paging,
        status=None,
        category=category or None,
        area_id=area_id,
        date_from=date_from,
        date_to=date_to,
        fits_skills=fits_skills,
        free_time=free_time,
        near=near,
        upcoming=True,
    )
    organiser_of = sorted(principal.org_ids(service.ORGANISER_ROLES))
    return render(
        "activities/list.html",
        principal,
        page=page,
        categories=CATEGORY_LABELS,
        areas=await _areas_for(principal),
        can_create=bool(organiser_of),
        q={
            "category": category or "",
            "area_id": area_id or "",
            "day": day or "",
            "fits_skills": fits_skills,
            "free_time": free_time,
            "near": near,
        },
    )


async def _detail(
    principal: Principal, activity_id: int, *, errors: dict | None = None, flash: str = "", status_code: int = 200
) -> Template:
    activity = await service.get_activity(principal, activity_id)
    mine = {s["shift"]: s for s in await service.my_signups(principal) if s["status"] != "cancelled"}
    roster_run = await roster.latest_run(activity.id, activity.area_id) if activity.can_manage else None
    return render(
        "activities/detail.html",
        principal,
        activity=activity,
        mine=mine,
        errors=errors or {},
        flash=flash,
        roster_run=roster_run,
        now=clock.now(),
        run_active=bool(roster_run and roster_run.status in ("queued", "running")),
        status_code=status_code,
    )


@get("/activities/{activity_id:int}", include_in_schema=False)
async def activity_detail(principal: NamedDependency[Principal], activity_id: FromPath[int]) -> Template:
    return await _detail(principal, activity_id)


@post("/shifts/{shift_id:int}/signups", include_in_schema=False)
async def signup_submit(principal: NamedDependency[Principal], shift_id: FromPath[int]) -> Template | Redirect:
    shift = await service.shift_row(shift_id)
    try:
        await service.sign_up(principal, shift_id)
    except DomainError as exc:
        return await _detail(principal, shift["activity"], errors=form_errors(exc), status_code=exc.status)
    return redirect(f"/activities/{shift['activity']}")


@post("/signups/{signup_id:int}/cancel", include_in_schema=False)
async def signup_cancel(
    request: Request, principal: NamedDependency[Principal], signup_id: FromPath[int]
) -> Template | Redirect:
    form = await form_data(request)
    row = await service.signup_row(signup_id)
    try:
        await service.cancel_signup(principal, signup_id)
    except DomainError as exc:
        return await _detail(principal, row["shift.activity"], errors=form_errors(exc), status_code=exc.status)
    return redirect(str(form.get("next") or f"/activities/{row['shift.activity']}"))


# -- organising ------------------------------------------------------------------------------


def _activity_from_form(form: dict[str, Any]) -> ActivityIn:
    """The activity form's fields and its numbered shift rows, each row decoded like the API's ShiftIn."""
    errors: dict[str, str] = {}
    shifts = []
    for i in range(SHIFT_ROWS):
        row = {k: form.get(f"{k}_{i}") for k in ("start", "end", "slots", "skills")}
        if not row["start"] and not row["end"]:
            continue
        try:
            shifts.append(msgspec.to_builtins(convert_form(row, ShiftIn)))
        except Invalid as exc:
            errors.update({f"{k}_{i}" if k != "_form" else f"start_{i}": v for k, v in exc.fields.items()})
    if not shifts and not errors:
        errors["start_0"] = "add at least one shift"
    if errors:
        raise Invalid("Check the highlighted fields", errors)
    fields = {k: form.get(k) for k in ("organizer_id", "title", "area_id", "description", "address")}
    return convert_form({**fields, "category": form.get("category") or "other", "shifts": shifts}, ActivityIn)


async def _new_form(
    principal: Principal, form: dict | None = None, errors: dict | None = None, status_code: int = 200
) -> Template:
    orgs = [m for m in principal.memberships if m.role in service.ORGANISER_ROLES]
    return render(
        "activities/new.html",
        principal,
        orgs=orgs,
        areas=await _areas_for(principal),
        categories=CATEGORY_LABELS,
        form=form or {},
        errors=errors or {},
        rows=range(SHIFT_ROWS),
        status_code=status_code,
    )


@get("/activities/new", include_in_schema=False)
async def activity_new(principal: NamedDependency[Principal]) -> Template:
    service.require_organiser(principal)
    return await _new_form(principal)


@post("/activities/new", include_in_schema=False)
async def activity_create(request: Request, principal: NamedDependency[Principal]) -> Template | Redirect:
    form = await form_data(request)
    try:
        activity = await service.create_activity(principal, _activity_from_form(form))
        if form.get("publish"):
            await service.publish_activity(principal, activity.id)
    except DomainError as exc:
        return await _new_form(principal, form, form_errors(exc), exc.status)
    return redirect(f"/activities/{activity.id}")


def _roster_options(form: dict[str, Any]) -> RosterRunIn:
    return convert_form({"max_hours": form.get("max_hours"), "near_only": form.get("near_only") == "1"}, RosterRunIn)


@post("/activities/{activity_id:int}/{action:str}", include_in_schema=False)
async def activity_action(
    request: Request, principal: NamedDependency[Principal], activity_id: FromPath[int], action: FromPath[str]
) -> Template | Redirect:
    actions = {
        "publish": service.publish_activity,
        "cancel": service.cancel_activity,
        "finish": service.finish_activity,
    }
    try:
        if action == "roster":
            # A shared match run: the page shows its progress, then its invitations.
            await roster.start_roster_run(principal, activity_id, _roster_options(await form_data(request)))
            return redirect(f"/activities/{activity_id}#roster")
        if action not in actions:
            raise Invalid("Unknown action")
        await actions[action](principal, activity_id)
    except DomainError as exc:
        return await _detail(principal, activity_id, errors=form_errors(exc), status_code=exc.status)
    return redirect(f"/activities/{activity_id}")


# -- editing a shift -------------------------------------------------------------------------


def _shift_patch(form: dict[str, Any], shift: dict[str, Any]) -> ShiftPatch | None:
    """The edit form sends every field, decoded like the API's ShiftIn; only those that changed are patched
    (None: nothing changed)."""
    full = convert_form({k: form.get(k) for k in ("start", "end", "slots", "skills")}, ShiftIn)
    changes: dict[str, Any] = {}
    if full.start != shift["starts_at"]:
        changes["start"] = full.start
    if full.end != shift["ends_at"]:
        changes["end"] = full.end
    if full.slots != shift["slots"]:
        changes["slots"] = full.slots
    if sorted(set(full.skills)) != sorted(shift["skills"] or []):
        changes["skills"] = sorted(set(full.skills))
    return ShiftPatch(**changes) if changes else None


async def _edit_form(
    principal: Principal, shift_id: int, *, form: dict | None = None, errors: dict | None = None, status_code: int = 200
) -> Template:
    shift, activity = await service.shift_and_activity(principal, shift_id)
    if not service.can_manage(principal, activity):
        raise NotFound("Shift not found")
    if form is None:
        form = {
            "start": local(shift["starts_at"], "%Y-%m-%dT%H:%M"),
            "end": local(shift["ends_at"], "%Y-%m-%dT%H:%M"),
            "slots": shift["slots"],
            "skills": ", ".join(shift["skills"] or []),
        }
    taken = shift["slots"] - shift["slots_left"]
    return render(
        "activities/shift_edit.html",
        principal,
        shift=shift,
        activity=activity,
        form=form,
        taken=taken,
        errors=errors or {},
        status_code=status_code,
    )


@get("/shifts/{shift_id:int}/edit", include_in_schema=False)
async def shift_edit(principal: NamedDependency[Principal], shift_id: FromPath[int]) -> Template:
    return await _edit_form(principal, shift_id)


@post("/shifts/{shift_id:int}/edit", include_in_schema=False)
async def shift_update(
    request: Request, principal: NamedDependency[Principal], shift_id: FromPath[int]
) -> Template | Redirect:
    form = await form_data(request)
    shift = await service.shift_row(shift_id)
    try:
        patch = _shift_patch(form, shift)
        if patch is not None:  # an unchanged form notifies nobody
            await service.update_shift(principal, shift_id, patch)
    except DomainError as exc:
        return await _edit_form(principal, shift_id, form=form, errors=form_errors(exc), status_code=exc.status)
    return redirect(f"/activities/{shift['activity']}")


# -- attendance ------------------------------------------------------------------------------


async def _manage(
    request: Request,
    principal: Principal,
    shift_id: int,
    *,
    errors: dict | None = None,
    flash: str = "",
    rating_errors: dict | None = None,
    status_code: int = 200,
) -> Template:
    shift, activity = await service.shift_and_activity(principal, shift_id)
    if not service.can_manage(principal, activity):
        from jinlin.core.errors import Forbidden

        raise Forbidden("Only the organisers take attendance")
    signups = (await service.list_signups(principal, shift_id, PageRequest(limit=200))).items
    rated = {s.id: await ratings.signup_ratings(principal, s.id) for s in signups if s.status == "completed"}
    url = str(request.base_url).rstrip("/") + checkin_path(shift_id, shift["checkin_code"])
    return render(
        "activities/manage.html",
        principal,
        shift=shift,
        activity=activity,
        signups=signups,
        qr=qr_svg(url).decode(),
        checkin_url=url,
        errors=errors or {},
        flash=flash,
        ratings=rated,
        rating_errors=rating_errors or {},
        status_code=status_code,
    )


@get("/shifts/{shift_id:int}/manage", include_in_schema=False)
async def shift_manage(request: Request, principal: NamedDependency[Principal], shift_id: FromPath[int]) -> Template:
    return await _manage(request, principal, shift_id)


@post("/shifts/{shift_id:int}/attendance", include_in_schema=False)
async def shift_attendance(
    request: Request, principal: NamedDependency[Principal], shift_id: FromPath[int]
) -> Template | Redirect:
    form = await form_data(request)
    try:
        if form.get("action") == "no_show":
            if not form.get("signup_ids"):
                raise Invalid("Tick the volunteers who didn't come", {"signup_ids": "none ticked"})
            ids = convert_form({"signup_ids": form.get("signup_ids")}, SignupIdsIn).signup_ids
            await attendance.mark_no_shows(principal, shift_id, ids)
        else:
            adjustments = [
                {
                    "signup_id": key.removeprefix("hours_"),
                    "hours": value,
                    "reason": form.get(f"reason_{key.removeprefix('hours_')}", ""),
                }
                for key, value in form.items()
                if key.startswith("hours_") and str(value).strip()
            ]
            data = convert_form({"all": True, "adjustments": adjustments}, VerifyIn)
            await attendance.verify_hours(principal, shift_id, data)
    except DomainError as exc:
        return await _manage(request, principal, shift_id, errors=form_errors(exc), status_code=exc.status)
    return redirect(f"/shifts/{shift_id}/manage")


def rating_from_form(form: dict[str, Any]) -> RatingIn:
    return convert_form(
        {k: form.get(k) for k in ("score", "timeliness", "quality", "communication", "comment")}, RatingIn
    )


@post("/shifts/{shift_id:int}/ratings/{signup_id:int}", include_in_schema=False)
async def organiser_rates(
    request: Request, principal: NamedDependency[Principal], shift_id: FromPath[int], signup_id: FromPath[int]
) -> Template | Redirect:
    """The organiser rates a volunteer after a completed shift (blind until both sides have rated)."""
    form = await form_data(request)
    row = await service.signup_row(signup_id)
    if row["shift"] != shift_id:
        raise NotFound("Signup not found")
    try:
        await ratings.rate_signup(principal, signup_id, rating_from_form(form), side="organizer")
    except DomainError as exc:
        return await _manage(
            request, principal, shift_id, rating_errors={signup_id: form_errors(exc)}, status_code=exc.status
        )
    return redirect(f"/shifts/{shift_id}/manage#signup-{signup_id}")


@get("/shifts/{shift_id:int}/check-in", include_in_schema=False)
async def checkin_page(
    principal: NamedDependency[Principal], shift_id: FromPath[int], code: FromQuery[str | None] = None
) -> Template:
    shift, activity = await service.shift_and_activity(principal, shift_id)
    mine = [s for s in await service.my_signups(principal) if s["shift"] == shift_id and s["status"] != "cancelled"]
    return render(
        "activities/checkin.html",
        principal,
        shift=shift,
        activity=activity,
        code=code or "",
        signup=mine[-1] if mine else None,
    )


@post("/shifts/{shift_id:int}/check-in", include_in_schema=False)
async def checkin_submit(
    request: Request, principal: NamedDependency[Principal], shift_id: FromPath[int]
) -> Template | Redirect:
    form = await form_data(request)
    code = str(form.get("code", ""))
    try:
        if form.get("action") == "out":
            await attendance.check_out(principal, shift_id, code)
        else:
            await attendance.check_in(principal, shift_id, code)
    except DomainError as exc:
        shift, activity = await service.shift_and_activity(principal, shift_id)
        mine = [s for s in await service.my_signups(principal) if s["shift"] == shift_id and s["status"] != "cancelled"]
        return render(
            "activities/checkin.html",
            principal,
            shift=shift,
            activity=activity,
            code=code,
            signup=mine[-1] if mine else None,
            errors=form_errors(exc),
            status_code=exc.status,
        )
    return redirect(f"/shifts/{shift_id}/check-in")


@post("/roster/invitations/{invitation_id:int}/{answer:str}", include_in_schema=False)
async def invitation_answer(
    principal: NamedDependency[Principal], invitation_id: FromPath[int], answer: FromPath[str]
) -> Redirect:
    await roster.answer_invitation(principal, invitation_id, accept=answer == "accept")
    return redirect("/my/shifts")


ROUTES = [
    activity_list,
    activity_detail,
    signup_submit,
    signup_cancel,
    activity_new,
    activity_create,
    activity_action,
    shift_edit,
    shift_update,
    shift_manage,
    shift_attendance,
    organiser_rates,
    checkin_page,
    checkin_submit,
    invitation_answer,
]
NAV = [NavItem("Volunteer activities", "/activities", frozenset(), order=30)]
PANELS = [("volunteer", "activities/panel.html")]
TEMPLATE_FILTERS = [("category_label", category_label)]
