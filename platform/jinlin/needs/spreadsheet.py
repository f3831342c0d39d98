"""需求清单 in and out of Excel: the filtered list as XLSX with Chinese headers, and all-or-nothing imports.
The columns (headers, export cells, import parsing) are ``SHEET``; ``core.sheets`` does the rest."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from jinlin.areas.tables import Area
from jinlin.audit.service import record
from jinlin.auth.principal import COMMUNITY_ROLES, Principal
from jinlin.catalog import columns
from jinlin.catalog.codes import as_list
from jinlin.catalog.labels import (
    beneficiary_code,
    beneficiary_zh,
    colour_code,
    colour_zh,
)
from jinlin.catalog.service import policy_for_area
from jinlin.core import sheets
from jinlin.core.db import write_transaction
from jinlin.core.sheets import CellError, Column, Sheet
from jinlin.core.tabular import RowError, write_rows
from jinlin.needs.schemas import NeedIn
from jinlin.needs.service import _check_place, _insert, query_needs
from jinlin.orgs.tables import Organization


def _place(text: str, areas: dict[str, int]) -> int:
    """A place named in the importing community (the context: its areas by name)."""
    if text not in areas:
        raise CellError("no place named {value} in the community", {"value": text})
    return areas[text]


SHEET = Sheet(
    "needs",
    "需求清单",
    (
        columns.ID,
        Column("title", "标题", required=True, parse=sheets.text(required=True, max_length=120)),
        columns.CATEGORY,
        Column("quantity", "数量", required=True, parse=sheets.whole(1, 1_000_000)),
        Column("unit", "单位"),
        Column(
            "splittable", "可拆分", blank=True, parse=sheets.yes_or_no, show=lambda r: "是" if r["splittable"] else "否"
        ),
        Column("urgency", "紧急程度", blank=2, parse=sheets.whole(1, 3)),
        Column("importance", "重要程度", blank=2, parse=sheets.whole(1, 3)),
        Column(
            "colour",
            "分色",
            blank=None,
            parse=sheets.lookup(colour_code, "unknown colour {value}"),
            show=lambda r: colour_zh(r["colour"]),
        ),
        Column("area_id", "地点", blank=None, parse=_place, show=lambda r: r["area_id.name"] or ""),
        Column(
            "beneficiary_groups",
            "受益群体",
            parse=sheets.listed(beneficiary_code, "unknown group {value}"),
            show=lambda r: "、".join(beneficiary_zh(b) for b in as_list(r["beneficiary_groups"])),
        ),
        Column("description", "描述"),
        sheets.china_time("respond_by", "响应时限", read=False),
        sheets.china_time("resolve_by", "办结时限", read=False),
        columns.STATUS,
        Column("quantity_matched", "已匹配数量", read=False),
    ),
)


async def export_needs(principal: Principal, **filters: Any) -> bytes:
    rows, _ = await query_needs(principal, None, **filters)
    return SHEET.export(rows)


def import_community(principal: Principal, community_id: int | None) -> int:
    """The community a needs import goes to, if the caller may import there (checked before reading the file)."""
    return sheets.importing_for(
        principal,
        community_id,
        principal.community_ids,
        COMMUNITY_ROLES,
        field="community_id",
        say="Say which community",
        refused="Only the community's staff import its needs",
    )


async def import_needs(principal: Principal, filename: str, content: bytes, community_id: int | None) -> list[int]:
    """Import a needs list into a community as drafts; one bad row and nothing is imported."""
    community_id = import_community(principal, community_id)
    community = await Organization.select(Organization.area.path).where(Organization.id == community_id).first()
    table = await SHEET.read(filename, content)
    areas = (
        {
            r["name"]: r["id"]
            for r in await Area.select(Area.id, Area.name).where(Area.path.like(f"{community['area.path']}%"))
        }
        if community
        else {}
    )
    errors: list[RowError] = []

    def validate() -> list[NeedIn]:
        rows, _ = SHEET.decode(table, areas, errors)
        return SHEET.bodies(rows, NeedIn, errors, {"community_id": community_id})

    bodies = await asyncio.to_thread(validate)  # thousands of rows: off the event loop
    sheets.reject(errors)
    ids: list[int] = []

    async def write(batch: Sequence[NeedIn]) -> None:
        for data in batch:
            _, area = await _check_place(community_id, data.area_id)
            ids.append(await _insert(principal, data, area, await policy_for_area(area["id"])))

    await write_rows(bodies, write)
    async with write_transaction():
        await record(
            principal,
            "import",
            "need",
            None,
            {"imported": len(ids), "file": filename},
            summary=f"{len(ids)} needs from {filename}",
        )
    return ids
