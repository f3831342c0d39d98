"""/api/v1/meetings and /action-items: thin handlers over ``meetings.service``."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from jinlin.auth.principal import Principal
from jinlin.meetings import service
from jinlin.meetings.schemas import ActionItemOut, GridMonth, ItemNeedIn, MeetingIn, MeetingOut


class MeetingController(Controller):
    path = "/meetings"
    tags = ["meetings"]

    @get("/")
    async def list_meetings(self, principal: NamedDependency[Principal], grid_id: FromQuery[int]) -> list[MeetingOut]:
        """A grid's recent meetings, newest first."""
        return await service.recent_meetings(principal, grid_id)

    @post("/")
    async def hold_meeting(self, principal: NamedDependency[Principal], data: JSONBody[MeetingIn]) -> MeetingOut:
        """Record a meeting; the grid's open action items carry over onto it."""
        return await service.hold_meeting(principal, data)

    @get("/{meeting_id:int}")
    async def get_meeting(self, principal: NamedDependency[Principal], meeting_id: FromPath[int]) -> MeetingOut:
        return await service.get_meeting(principal, meeting_id)

    @get("/open-items")
    async def open_items(self, principal: NamedDependency[Principal], grid_id: FromQuery[int]) -> list[ActionItemOut]:
        """What the grid's next meeting opens with."""
        await service.recent_meetings(principal, grid_id, limit=0)  # the same read check
        return await service.open_items(grid_id)

    @get("/by-month")
    async def by_month(
        self, principal: NamedDependency[Principal], community_id: FromQuery[int], month: FromQuery[str]
    ) -> list[GridMonth]:
        """Each grid's meetings in a month; ``missed`` flags a grid without one once the month is over."""
        return await service.meetings_by_month(principal, community_id, month)


class ActionItemController(Controller):
    path = "/action-items"
    tags = ["meetings"]

    @post("/{item_id:int}/done", status_code=200)
    async def done(self, principal: NamedDependency[Principal], item_id: FromPath[int]) -> ActionItemOut:
        return await service.finish_item(principal, item_id)

    @post("/{item_id:int}/need", status_code=200)
    async def need(
        self, principal: NamedDependency[Principal], item_id: FromPath[int], data: JSONBody[ItemNeedIn]
    ) -> ActionItemOut:
        """Turn the item into a published need (its title only, never personal data)."""
        return await service.item_to_need(principal, item_id, data)


ROUTES = [MeetingController, ActionItemController]
