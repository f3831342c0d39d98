"""/api/v1/activities, /shifts and /signups: thin handlers over the activities services."""

from __future__ import annotations

from datetime import datetime

from litestar import Controller, Request, Response, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from jinlin.activities import attendance, ratings, roster, service
from jinlin.activities.qr import checkin_qr_svg
from jinlin.activities.schemas import (
    ActivityIn,
    ActivityOut,
    ActivityPatch,
    CodeIn,
    InvitationOut,
    RatingIn,
    RatingOut,
    RosterRunIn,
    RosterRunOut,
    ShiftOut,
    ShiftPatch,
    SignupIdsIn,
    SignupOut,
    VerifyIn,
    VerifyOut,
)
from jinlin.auth.principal import Principal
from jinlin.core.pagination import Page, PageRequest


class ActivityController(Controller):
    path = "/activities"
    tags = ["activities"]

    @get("/")
    async def list_activities(
        self,
        principal: NamedDependency[Principal],
        paging: NamedDependency[PageRequest],
        status: FromQuery[str | None] = None,
        category: FromQuery[str | None] = None,
        area_id: FromQuery[int | None] = None,
        organization_id: FromQuery[int | None] = None,
        date_from: FromQuery[datetime | None] = None,
        date_to: FromQuery[datetime | None] = None,
        fits_skills: FromQuery[bool] = False,
        free_time: FromQuery[bool] = False,
        near: FromQuery[bool] = False,
        upcoming: FromQuery[bool] = False,
    ) -> Page[ActivityOut]:
        """Filters: `status`, `category`, `area_id` (subtree), `organization_id`, `date_from`/`date_to`;
        from the caller's volunteer profile: `fits_skills`, `free_time`, `near`; `upcoming` hides past shifts."""
        return await service.list_activities(
            principal,
            paging,
            status=status,
            category=category,
            area_id=area_id,
            organization_id=organization_id,
            date_from=date_from,
            date_to=date_to,
            fits_skills=fits_skills,
            free_time=free_time,
            near=near,
            upcoming=upcoming,
        )

    @post("/")
    async def create_activity(self, principal: NamedDependency[Principal], data: JSONBody[ActivityIn]) -> ActivityOut:
        return await service.create_activity(principal, data)

    @get("/{activity_id:int}")
    async def get_activity(self, principal: NamedDependency[Principal], activity_id: FromPath[int]) -> ActivityOut:
        return await service.get_activity(principal, activity_id)

    @patch("/{activity_id:int}")
    async def update_activity(
        self, principal: NamedDependency[Principal], activity_id: FromPath[int], data: JSONBody[ActivityPatch]
    ) -> ActivityOut:
        return await service.update_activity(principal, activity_id, data)

    @post("/{activity_id:int}/publish", status_code=200)
    async def publish(self, principal: NamedDependency[Principal], activity_id: FromPath[int]) -> ActivityOut:
        return await service.publish_activity(principal, activity_id)

    @post("/{activity_id:int}/cancel", status_code=200)
    async def cancel(self, principal: NamedDependency[Principal], activity_id: FromPath[int]) -> ActivityOut:
        return await service.cancel_activity(principal, activity_id)

    @post("/{activity_id:int}/finish", status_code=200)
    async def finish(self, principal: NamedDependency[Principal], activity_id: FromPath[int]) -> ActivityOut:
        return await service.finish_activity(principal, activity_id)

    @post("/{activity_id:int}/roster-runs", status_code=201)
    async def start_roster(
        self, principal: NamedDependency[Principal], activity_id: FromPath[int], data: JSONBody[RosterRunIn]
    ) -> RosterRunOut:
        """Start a roster run (排班) over available, skilled, nearby volunteers: a shared match run of kind
        `roster` (also `GET /match-runs/{id}`); when it finishes it invites them. One per activity at a time (409)."""
        return await roster.start_roster_run(principal, activity_id, data)


class ShiftController(Controller):
    path = "/shifts"
    tags = ["activities"]

    @patch("/{shift_id:int}")
    async def update_shift(
        self, principal: NamedDependency[Principal], shift_id: FromPath[int], data: JSONBody[ShiftPatch]
    ) -> ShiftOut:
        return await service.update_shift(principal, shift_id, data)

    @get("/{shift_id:int}/signups")
    async def list_signups(
        self,
        principal: NamedDependency[Principal],
        paging: NamedDependency[PageRequest],
        shift_id: FromPath[int],
        status: FromQuery[str | None] = None,
    ) -> Page[SignupOut]:
        return await service.list_signups(principal, shift_id, paging, status)

    @post("/{shift_id:int}/signups", status_code=201)
    async def sign_up(self, principal: NamedDependency[Principal], shift_id: FromPath[int]) -> SignupOut:
        """Sign the caller up; a full shift puts them on the waiting list (`status: waitlisted`)."""
        return await service.sign_up(principal, shift_id)

    @post("/{shift_id:int}/check-in", status_code=200)
    async def check_in(
        self, principal: NamedDependency[Principal], shift_id: FromPath[int], data: JSONBody[CodeIn]
    ) -> SignupOut:
        return await attendance.check_in(principal, shift_id, data.code)

    @post("/{shift_id:int}/check-out", status_code=200)
    async def check_out(
        self, principal: NamedDependency[Principal], shift_id: FromPath[int], data: JSONBody[CodeIn]
    ) -> SignupOut:
        return await attendance.check_out(principal, shift_id, data.code)

    @post("/{shift_id:int}/no-shows", status_code=200)
    async def no_shows(
        self, principal: NamedDependency[Principal], shift_id: FromPath[int], data: JSONBody[SignupIdsIn]
    ) -> list[SignupOut]:
        return await attendance.mark_no_shows(principal, shift_id, data.signup_ids)

    @post("/{shift_id:int}/verify", status_code=200)
    async def verify(
        self, principal: NamedDependency[Principal], shift_id: FromPath[int], data: JSONBody[VerifyIn]
    ) -> VerifyOut:
        return await attendance.verify_hours(principal, shift_id, data)

    @get("/{shift_id:int}/qr.svg", media_type="image/svg+xml")
    async def qr(
        self,
        request: Request,
        principal: NamedDependency[Principal],
        shift_id: FromPath[int],
    ) -> Response[bytes]:
        """The check-in QR code (organisers): it opens the check-in page with the code filled in."""
        svg = await checkin_qr_svg(principal, shift_id, str(request.base_url))
        return Response(svg, media_type="image/svg+xml")


class SignupController(Controller):
    path = "/signups"
    tags = ["activities"]

    @get("/{signup_id:int}")
    async def get_signup(self, principal: NamedDependency[Principal], signup_id: FromPath[int]) -> SignupOut:
        return await service.get_signup(principal, signup_id)

    @post("/{signup_id:int}/cancel", status_code=200)
    async def cancel(self, principal: NamedDependency[Principal], signup_id: FromPath[int]) -> SignupOut:
        return await service.cancel_signup(principal, signup_id)

    @get("/{signup_id:int}/ratings")
    async def get_ratings(self, principal: NamedDependency[Principal], signup_id: FromPath[int]) -> list[RatingOut]:
        """Both sides' ratings; the other side's stays hidden until you have rated too or the window closed."""
        return await ratings.signup_ratings(principal, signup_id)

    @post("/{signup_id:int}/ratings", status_code=201)
    async def rate(
        self, principal: NamedDependency[Principal], signup_id: FromPath[int], data: JSONBody[RatingIn]
    ) -> list[RatingOut]:
        """After a completed shift the volunteer rates the organiser, and the organiser the volunteer."""
        return await ratings.rate_signup(principal, signup_id, data)


class RosterController(Controller):
    path = "/roster"
    tags = ["activities"]

    @get("/runs/{run_id:int}")
    async def get_run(self, principal: NamedDependency[Principal], run_id: FromPath[int]) -> RosterRunOut:
        return await roster.get_run(principal, run_id)

    @get("/invitations")
    async def my_invitations(self, principal: NamedDependency[Principal]) -> list[InvitationOut]:
        return await roster.my_invitations(principal)

    @post("/invitations/{invitation_id:int}/accept", status_code=200)
    async def accept(self, principal: NamedDependency[Principal], invitation_id: FromPath[int]) -> InvitationOut:
        return await roster.answer_invitation(principal, invitation_id, accept=True)

    @post("/invitations/{invitation_id:int}/decline", status_code=200)
    async def decline(self, principal: NamedDependency[Principal], invitation_id: FromPath[int]) -> InvitationOut:
        return await roster.answer_invitation(principal, invitation_id, accept=False)


ROUTES = [ActivityController, ShiftController, SignupController, RosterController]
