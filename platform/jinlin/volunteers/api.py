"""/api/v1/volunteers: self-registration, profiles, team requests, hours and their XLSX export."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from jinlin.auth import service as auth
from jinlin.auth.api import me_out, session_cookie
from jinlin.auth.principal import Principal
from jinlin.core.http import client_address, require_json
from jinlin.volunteers import service
from jinlin.volunteers.schemas import (
    HonoraryIn,
    HoursOut,
    JoinIn,
    JoinRequestOut,
    RegisterIn,
    RegisterOut,
    VolunteerOut,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> Response[bytes]:
    return Response(content, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


class VolunteerController(Controller):
    path = "/volunteers"
    tags = ["volunteers"]

    @post("/register", status_code=201)
    async def register(self, request: Request, data: JSONBody[RegisterIn]) -> Response[RegisterOut]:
        """志愿者注册 (no auth): the account and a token (also a session cookie for the pages)."""
        require_json(request)
        token, account_id = await service.register(data, client_address(request))
        principal = await auth.load_principal(account_id)
        assert principal is not None
        return Response(
            RegisterOut(token=token, account=me_out(principal)), status_code=201, cookies=[session_cookie(token)]
        )

    @get("/{volunteer_id:int}")
    async def get_volunteer(self, principal: NamedDependency[Principal], volunteer_id: FromPath[int]) -> VolunteerOut:
        return await service.get_volunteer(principal, volunteer_id)

    @get("/{volunteer_id:int}/hours")
    async def hours(
        self, principal: NamedDependency[Principal], volunteer_id: FromPath[int], year: FromQuery[int | None] = None
    ) -> HoursOut:
        """Per year: `recorded_hours` (积分时长), `honorary_hours` (荣誉时长) and the records."""
        return await service.volunteer_hours(principal, volunteer_id, year)

    @post("/{volunteer_id:int}/hours", status_code=201)
    async def add_honorary(
        self, principal: NamedDependency[Principal], volunteer_id: FromPath[int], data: JSONBody[HonoraryIn]
    ) -> HoursOut:
        """Administrators add honorary hours (荣誉时长) with a reason."""
        return await service.add_honorary_hours(principal, volunteer_id, data)

    @get("/{volunteer_id:int}/hours.xlsx", media_type=XLSX)
    async def hours_xlsx(self, principal: NamedDependency[Principal], volunteer_id: FromPath[int]) -> Response[bytes]:
        return xlsx_response(
            await service.export_volunteer_hours(principal, volunteer_id), f"volunteer-{volunteer_id}-hours.xlsx"
        )

    @get("/hours.xlsx", media_type=XLSX)
    async def organization_hours_xlsx(
        self, principal: NamedDependency[Principal], organization_id: FromQuery[int]
    ) -> Response[bytes]:
        """Organisers and team leaders: hours served in the organisation's activities (and a team's members)."""
        return xlsx_response(
            await service.export_organization_hours(principal, organization_id),
            f"organization-{organization_id}-hours.xlsx",
        )

    @post("/teams/{team_id:int}/join", status_code=201)
    async def join(
        self, principal: NamedDependency[Principal], team_id: FromPath[int], data: JSONBody[JoinIn]
    ) -> JoinRequestOut:
        return await service.request_to_join(principal, team_id, data.note)

    @get("/team-requests")
    async def team_requests(
        self, principal: NamedDependency[Principal], status: FromQuery[str | None] = "pending"
    ) -> list[JoinRequestOut]:
        return await service.list_join_requests(principal, status)

    @post("/team-requests/{request_id:int}/approve", status_code=200)
    async def approve(self, principal: NamedDependency[Principal], request_id: FromPath[int]) -> JoinRequestOut:
        return await service.decide_join(principal, request_id, approve=True)

    @post("/team-requests/{request_id:int}/reject", status_code=200)
    async def reject(self, principal: NamedDependency[Principal], request_id: FromPath[int]) -> JoinRequestOut:
        return await service.decide_join(principal, request_id, approve=False)


ROUTES = [VolunteerController]
