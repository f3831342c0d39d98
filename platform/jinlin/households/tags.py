"""A county's extra resident tags (configurable beside the fixed focus groups)."""

from __future__ import annotations

from jinlin.audit.service import record
from jinlin.auth.principal import Principal
from jinlin.catalog.codes import as_list
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import Forbidden, NotFound
from jinlin.households.access import area_of
from jinlin.households.tables import CountyTags


def county_id_of(path: str) -> int:
    return int(path.strip("/").split("/")[0])


async def county_tags(area_path: str) -> list[str]:
    row = await CountyTags.select(CountyTags.tags).where(CountyTags.county == county_id_of(area_path)).first()
    return as_list(row["tags"]) if row else []


async def set_county_tags(principal: Principal, county_id: int, tags: list[str]) -> list[str]:
    area = await area_of(county_id)
    if area is None or area["level"] != "county":
        raise NotFound("County not found")
    if not principal.covers_area(area["path"], frozenset({"county_admin"})):
        raise Forbidden("Only the county's admins set its tags")
    clean = list(dict.fromkeys(t.strip() for t in tags if t.strip()))
    async with write_transaction():
        updated = (
            await CountyTags.update({CountyTags.tags: clean, CountyTags.updated_at: clock.now()})
            .where(CountyTags.county == county_id)
            .returning(CountyTags.id)
        )
        if not updated:
            await CountyTags.insert(CountyTags(county=county_id, tags=clean, updated_at=clock.now()))
        await record(principal, "update", "county_tags", county_id, {"tags": clean})
    return clean
