"""分色 and 限时办结: a need's colour from urgency × importance, and its deadlines from the county's policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import msgspec

from jinlin.areas.tables import Area
from jinlin.audit.service import diff, record
from jinlin.auth.principal import Principal
from jinlin.catalog.codes import COLOURS
from jinlin.catalog.tables import ColourPolicy
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import Forbidden, Invalid, NotFound
from jinlin.core.schemas import Body

# Hours from publication: (respond within, resolve within). Red 2 h / 24 h … green 7 / 15 days.
DEFAULT_HOURS = {"red": (2, 24), "orange": (24, 72), "yellow": (72, 168), "green": (168, 360)}
DEFAULT_RATING_WINDOW_DAYS = 14
COLOUR_RANK = {c: i for i, c in enumerate(COLOURS)}  # red first


def default_colour(urgency: int, importance: int) -> str:
    """urgency + importance (each 1–3): 6 red, 5 orange, 4 yellow, 3 or less green."""
    total = urgency + importance
    return "red" if total >= 6 else "orange" if total == 5 else "yellow" if total == 4 else "green"


@dataclass(frozen=True, slots=True)
class Policy:
    county_id: int | None
    hours: dict[str, tuple[int, int]]
    rating_window_days: int
    matrix: dict[str, str]

    def colour(self, urgency: int, importance: int) -> str:
        return self.matrix.get(f"{urgency},{importance}") or default_colour(urgency, importance)

    def deadlines(self, colour: str, start: datetime) -> tuple[datetime, datetime]:
        respond, resolve = self.hours[colour]
        return start + timedelta(hours=respond), start + timedelta(hours=resolve)


DEFAULT_POLICY = Policy(None, DEFAULT_HOURS, DEFAULT_RATING_WINDOW_DAYS, {})


class PolicyIn(Body):
    red_respond_hours: int
    red_resolve_hours: int
    orange_respond_hours: int
    orange_resolve_hours: int
    yellow_respond_hours: int
    yellow_resolve_hours: int
    green_respond_hours: int
    green_resolve_hours: int
    rating_window_days: int = DEFAULT_RATING_WINDOW_DAYS


def _from_row(row: dict[str, Any] | None, county_id: int | None) -> Policy:
    if row is None:
        return Policy(county_id, DEFAULT_HOURS, DEFAULT_RATING_WINDOW_DAYS, {})
    hours = {c: (row[f"{c}_respond_hours"], row[f"{c}_resolve_hours"]) for c in COLOURS}
    matrix = row["matrix"]
    if isinstance(matrix, str):
        matrix = msgspec.json.decode(matrix or "{}")
    return Policy(county_id, hours, row["rating_window_days"], matrix or {})


async def county_of(area_id: int) -> int | None:
    """The county at the root of an area's path."""
    row = await Area.select(Area.path).where(Area.id == area_id).first()
    if row is None:
        return None
    parts = [p for p in row["path"].split("/") if p]
    return int(parts[0]) if parts else None


async def policy_for_county(county_id: int | None) -> Policy:
    if county_id is None:
        return DEFAULT_POLICY
    row = await ColourPolicy.select().where(ColourPolicy.county_id == county_id).first()
    return _from_row(row, county_id)


async def policy_for_area(area_id: int) -> Policy:
    return await policy_for_county(await county_of(area_id))


def _check(data: PolicyIn) -> None:
    errors = {}
    for c in COLOURS:
        respond, resolve = getattr(data, f"{c}_respond_hours"), getattr(data, f"{c}_resolve_hours")
        if respond < 1:
            errors[f"{c}_respond_hours"] = "must be at least 1"
        if resolve < respond:
            errors[f"{c}_resolve_hours"] = "must not be shorter than the response time"
    if not 1 <= data.rating_window_days <= 90:
        errors["rating_window_days"] = "must be between 1 and 90"
    if errors:
        raise Invalid("Check the highlighted fields", errors)


async def update_policy(principal: Principal, county_id: int, data: PolicyIn) -> Policy:
    area = await Area.select().where(Area.id == county_id).first()
    if area is None or area["level"] != "county":
        raise NotFound("County not found")
    if not (principal.is_county_admin and principal.covers_area(area["path"], frozenset({"county_admin"}))):
        raise Forbidden("Only the county's admins edit its colour policy")
    _check(data)
    values = msgspec.structs.asdict(data)
    async with write_transaction():
        before = await ColourPolicy.select().where(ColourPolicy.county_id == county_id).first()
        if before is None:
            await ColourPolicy.insert(ColourPolicy(county_id=county_id, updated_at=clock.now(), **values))
            before = {}
        else:
            await ColourPolicy.update(
                {**{getattr(ColourPolicy, k): v for k, v in values.items()}, ColourPolicy.updated_at: clock.now()}
            ).where(ColourPolicy.county_id == county_id)
        await record(principal, "update", "colour_policy", county_id, diff(before, values), summary=area["name"])
    return await policy_for_county(county_id)
