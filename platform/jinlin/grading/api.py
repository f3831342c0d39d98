"""/api/v1/grading-rounds, /grading-assignments, /organizations/{id}/grading, /grading-settings."""

from __future__ import annotations

from litestar import Controller, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from jinlin.auth.principal import Principal
from jinlin.core.pagination import Page, PageRequest
from jinlin.grading import export, service
from jinlin.grading.schemas import (
    AssignmentOut,
    GradeIn,
    OpinionOut,
    OrganizationGradingOut,
    ReplyIn,
    ResultOut,
    RoundIn,
    RoundOut,
    SettingsIn,
    SettingsOut,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RoundController(Controller):
    path = "/grading-rounds"
    tags = ["grading"]

    @get("/")
    async def list_rounds(
        self, principal: NamedDependency[Principal], paging: NamedDependency[PageRequest]
    ) -> Page[RoundOut]:
        """The rounds of the caller's county, newest first."""
        return paging.page_of(await service.list_rounds(principal))

    @post("/")
    async def open_round(self, principal: NamedDependency[Principal], data: JSONBody[RoundIn]) -> RoundOut:
        """Open the year's round (county admins): pairs and suggested scores come from the year's evidence."""
        return await service.open_round(principal, data)

    @get("/{round_id:int}")
    async def get_round(self, principal: NamedDependency[Principal], round_id: FromPath[int]) -> RoundOut:
        return await service.get_round(principal, round_id)

    @post("/{round_id:int}/close")
    async def close_round(self, principal: NamedDependency[Principal], round_id: FromPath[int]) -> RoundOut:
        """Close the round: grades and ranks are computed with that year's settings."""
        return await service.close_round(principal, round_id)

    @get("/{round_id:int}/assignments")
    async def assignments(
        self, principal: NamedDependency[Principal], paging: NamedDependency[PageRequest], round_id: FromPath[int]
    ) -> Page[AssignmentOut]:
        """Who the caller's organisations grade (grading staff: all in their area)."""
        return paging.page_of(await service.list_assignments(principal, round_id))

    @get("/{round_id:int}/results")
    async def results(
        self, principal: NamedDependency[Principal], paging: NamedDependency[PageRequest], round_id: FromPath[int]
    ) -> Page[ResultOut]:
        """Grades and ranks: every one in a grading staff member's area, else the caller's own organisations'."""
        return paging.page_of(await service.round_results(principal, round_id))

    @get("/{round_id:int}/export.xlsx", media_type=XLSX)
    async def export_xlsx(self, principal: NamedDependency[Principal], round_id: FromPath[int]) -> Response[bytes]:
        name, content = await export.round_xlsx(principal, round_id)
        return Response(content, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})


class AssignmentController(Controller):
    path = "/grading-assignments"
    tags = ["grading"]

    @get("/{assignment_id:int}")
    async def get_assignment(
        self, principal: NamedDependency[Principal], assignment_id: FromPath[int]
    ) -> AssignmentOut:
        """One assignment with its evidence and suggested scores."""
        return (await service.get_assignment(principal, assignment_id))[0]

    @post("/{assignment_id:int}/grade")
    async def grade(
        self, principal: NamedDependency[Principal], assignment_id: FromPath[int], data: JSONBody[GradeIn]
    ) -> AssignmentOut:
        """Grade once; scores that differ from the suggested ones need ``override_reason``."""
        return await service.grade(principal, assignment_id, data)

    @post("/{assignment_id:int}/reply")
    async def reply(
        self, principal: NamedDependency[Principal], assignment_id: FromPath[int], data: JSONBody[ReplyIn]
    ) -> OpinionOut:
        """The graded organisation's one reply to the opinion (after the round has closed)."""
        return await service.reply(principal, assignment_id, data.body)


@get("/organizations/{organization_id:int}/grading", tags=["grading"])
async def organization_grading(
    principal: NamedDependency[Principal], organization_id: FromPath[int], round_id: FromQuery[int | None] = None
) -> OrganizationGradingOut:
    """An organisation's grade and the opinions addressed to it (latest round unless ``round_id``)."""
    return await service.organization_grading(principal, organization_id, round_id)


@get("/grading-settings/{county_id:int}", tags=["grading"])
async def get_settings(
    principal: NamedDependency[Principal], county_id: FromPath[int], year: FromQuery[int | None] = None
) -> SettingsOut:
    """The settings in force for ``year`` (default: this year)."""
    return await service.get_settings(principal, county_id, year)


@put("/grading-settings/{county_id:int}", tags=["grading"])
async def put_settings(
    principal: NamedDependency[Principal], county_id: FromPath[int], data: JSONBody[SettingsIn]
) -> SettingsOut:
    """A new version of the settings, in force from ``year_from`` (never for a year already closed)."""
    return await service.put_settings(principal, county_id, data)


ROUTES = [RoundController, AssignmentController, organization_grading, get_settings, put_settings]
