"""资源清单 in and out of Excel, in the layout of the needs list: the columns are ``SHEET``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from jinlin.areas.choices import area_names
from jinlin.areas.tables import Area
from jinlin.audit.service import record
from jinlin.auth.principal import UNIT_ROLES, Principal
from jinlin.catalog import columns
from jinlin.catalog.codes import as_list
from jinlin.catalog.labels import split_list
from jinlin.core import clock, sheets
from jinlin.core.db import write_transaction
from jinlin.core.sheets import CellError, Column, Sheet
from jinlin.core.tabular import RowError, write_rows
from jinlin.offers.schemas import OfferIn
from jinlin.offers.service import query_offers
from jinlin.offers.tables import Offer


def _service_areas(text: str, areas: dict[str, list[int]]) -> list[int]:
    """Areas named anywhere in the county (the context: ids by name); a shared name is ambiguous."""
    ids, problems = [], []
    for name in split_list(text):
        found = areas.get(name, [])
        if len(found) == 1:
            ids.append(found[0])
        else:
            problems.append(("no area named {name}" if not found else "{name} is ambiguous", {"name": name}))
    if problems:
        raise CellError.of(problems)
    return ids


SHEET = Sheet(
    "offers",
    "资源清单",
    (
        columns.ID,
        Column("title", "标题", required=True, parse=sheets.text(required=True)),
        columns.CATEGORY,
        Column("capacity", "数量", required=True, parse=sheets.whole(1, None, "must be a positive whole number")),
        Column("unit", "单位"),
        Column("capacity_left", "剩余数量", read=False),
        Column("service_area_ids", "服务区域", parse=_service_areas, show=lambda r: r["service_area_names"]),
        Column(
            "radius_km",
            "服务半径(公里)",
            blank=None,
            parse=sheets.number(0, 500, "must be a number of kilometres up to 500", above_low=True),
            show=lambda r: r["radius_km"] if r["radius_km"] is not None else "",
        ),
        sheets.china_time("available_from", "开始时间"),
        sheets.china_time("available_until", "结束时间"),
        Column("skills", "技能", parse=sheets.items, show=lambda r: "、".join(as_list(r["skills"]))),
        Column("description", "描述"),
        columns.STATUS,
    ),
)


async def export_offers(principal: Principal, **filters: Any) -> bytes:
    rows, _ = await query_offers(principal, None, **filters)
    area_ids = {int(i) for r in rows for i in as_list(r["service_area_ids"])}
    names = await area_names(area_ids)
    return SHEET.export(
        {**r, "service_area_names": "、".join(names.get(int(i), str(i)) for i in as_list(r["service_area_ids"]))}
        for r in rows
    )


def import_organization(principal: Principal, organization_id: int | None) -> int:
    """The unit an offers import goes to, if the caller may import there (checked before reading the file)."""
    return sheets.importing_for(
        principal,
        organization_id,
        principal.unit_ids,
        UNIT_ROLES,
        field="organization_id",
        say="Say which organisation",
        refused="Only the unit's liaison or the team's leader imports its offers",
    )


async def import_offers(principal: Principal, filename: str, content: bytes, organization_id: int | None) -> list[int]:
    organization_id = import_organization(principal, organization_id)
    table = await SHEET.read(filename, content)
    areas: dict[str, list[int]] = {}
    for a in await Area.select(Area.id, Area.name):
        areas.setdefault(a["name"], []).append(a["id"])
    decoded, errors = SHEET.decode(table, areas)
    for n, row in decoded:
        if row["available_from"] and row["available_until"] and row["available_until"] < row["available_from"]:
            errors.append(RowError(n, SHEET.column("available_until"), "must not be before the start"))
    SHEET.bodies(decoded, OfferIn, errors, {"organization_id": organization_id})  # the API's own checks too
    sheets.reject(errors)
    rows = [row for _, row in decoded]
    ids = []
    now = clock.now()

    async def write(batch: Sequence[dict[str, Any]]) -> None:
        for row in batch:
            offer = Offer(
                organization_id=organization_id,
                capacity_left=row["capacity"],
                status="draft",
                created_by=principal.account_id,
                created_at=now,
                updated_at=now,
                **row,
            )
            await offer.save()
            ids.append(offer.id)
            await record(principal, "create", "offer", offer.id, msgspec.to_builtins(row), summary=row["title"])

    await write_rows(rows, write)
    async with write_transaction():
        await record(
            principal,
            "import",
            "offer",
            None,
            {"imported": len(ids), "file": filename},
            summary=f"{len(ids)} offers from {filename}",
        )
    return ids
