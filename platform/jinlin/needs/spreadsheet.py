"""需求清单 in and out of Excel: the filtered list as XLSX with Chinese headers, and all-or-nothing imports."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from jinlin.areas.tables import Area
from jinlin.audit.service import record
from jinlin.auth.principal import COMMUNITY_ROLES, Principal
from jinlin.catalog.codes import as_list
from jinlin.catalog.labels import (
    beneficiary_code,
    beneficiary_zh,
    category_code,
    category_zh,
    colour_code,
    colour_zh,
    split_list,
    yes_no,
    zh,
)
from jinlin.catalog.service import policy_for_area
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import Forbidden, Invalid
from jinlin.core.tabular import (
    ImportRejected,
    RowError,
    check_headers,
    read_rows,
    row_body,
    write_rows,
    write_xlsx,
)
from jinlin.needs.schemas import NeedIn
from jinlin.needs.service import _check_place, _insert, query_needs
from jinlin.orgs.tables import Organization

H = {
    "id": "编号",
    "title": "标题",
    "category": "类别",
    "quantity": "数量",
    "unit": "单位",
    "splittable": "可拆分",
    "urgency": "紧急程度",
    "importance": "重要程度",
    "colour": "分色",
    "area": "地点",
    "beneficiary_groups": "受益群体",
    "description": "描述",
    "respond_by": "响应时限",
    "resolve_by": "办结时限",
    "status": "状态",
    "quantity_matched": "已匹配数量",
}
REQUIRED = [H["title"], H["category"], H["quantity"]]


TIME_COLUMNS = ("respond_by", "resolve_by")


def _fmt(value: Any) -> str:
    return clock.local(value, "%Y-%m-%d %H:%M")  # China time; the header says so


async def export_needs(principal: Principal, **filters: Any) -> bytes:
    rows, _ = await query_needs(principal, None, **filters)
    body = [
        [
            r["id"],
            r["title"],
            category_zh(r["category"]),
            r["quantity"],
            r["unit"],
            "是" if r["splittable"] else "否",
            r["urgency"],
            r["importance"],
            colour_zh(r["colour"]),
            r["area_id.name"] or "",
            "、".join(beneficiary_zh(b) for b in as_list(r["beneficiary_groups"])),
            r["description"],
            _fmt(r["respond_by"]),
            _fmt(r["resolve_by"]),
            zh(r["status"]),
            r["quantity_matched"],
        ]
        for r in rows
    ]
    headers = [clock.zoned(h) if k in TIME_COLUMNS else h for k, h in H.items()]
    return write_xlsx(headers, body, title="需求清单")


def _int(raw: str, column: str, number: int, errors: list[RowError], low: int, high: int) -> int | None:
    try:
        value = float(raw)
        if value != int(value) or not low <= value <= high:
            raise ValueError
        return int(value)
    except ValueError:
        errors.append(
            RowError(number, column, "must be a whole number from {low} to {high}", {"low": low, "high": high})
        )
        return None


def _parse(number: int, raw: dict[str, str], areas: dict[str, int], errors: list[RowError]) -> dict[str, Any]:
    get = lambda key: (raw.get(H[key]) or "").strip()  # noqa: E731
    out: dict[str, Any] = {"title": get("title"), "unit": get("unit"), "description": get("description")}
    if not out["title"]:
        errors.append(RowError(number, H["title"], "required"))
    elif len(out["title"]) > 120:
        errors.append(RowError(number, H["title"], "at most 120 characters"))
    out["category"] = category_code(get("category"))
    if out["category"] is None:
        errors.append(RowError(number, H["category"], "unknown category {value}", {"value": get("category")}))
    out["quantity"] = _int(get("quantity"), H["quantity"], number, errors, 1, 1_000_000)
    for key in ("urgency", "importance"):
        out[key] = _int(get(key), H[key], number, errors, 1, 3) if get(key) else 2
    split = get("splittable")
    out["splittable"] = True if not split else yes_no(split)
    if out["splittable"] is None:
        errors.append(RowError(number, H["splittable"], "must be 是 or 否"))
    out["colour"] = None
    if get("colour"):
        out["colour"] = colour_code(get("colour"))
        if out["colour"] is None:
            errors.append(RowError(number, H["colour"], "unknown colour {value}", {"value": get("colour")}))
    out["area_id"] = None
    if get("area"):
        out["area_id"] = areas.get(get("area"))
        if out["area_id"] is None:
            errors.append(
                RowError(number, H["area"], "no place named {value} in the community", {"value": get("area")})
            )
    groups = []
    for text in split_list(get("beneficiary_groups")):
        code = beneficiary_code(text)
        if code is None:
            errors.append(RowError(number, H["beneficiary_groups"], "unknown group {value}", {"value": text}))
        else:
            groups.append(code)
    out["beneficiary_groups"] = groups
    return out


def import_community(principal: Principal, community_id: int | None) -> int:
    """The community a needs import goes to, if the caller may import there (checked before reading the file)."""
    if not principal.community_ids:
        raise Forbidden("Only the community's staff import its needs")
    if community_id is None:
        mine = sorted(principal.community_ids)
        if len(mine) != 1:
            raise Invalid("Say which community", {"community_id": "required"})
        community_id = mine[0]
    if not principal.acts_for(community_id, COMMUNITY_ROLES):
        raise Forbidden("Only the community's staff import its needs")
    return community_id


async def import_needs(principal: Principal, filename: str, content: bytes, community_id: int | None) -> list[int]:
    """Import a needs list into a community as drafts; one bad row and nothing is imported."""
    community_id = import_community(principal, community_id)
    community = await Organization.select(Organization.area.path).where(Organization.id == community_id).first()
    table = await read_rows(filename, content)
    if table:
        check_headers(table[0][1].keys(), REQUIRED)
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
        rows = [(n, _parse(n, raw, areas, errors)) for n, raw in table]
        bad = {e.row for e in errors}
        return [
            row_body(n, {"community_id": community_id, **row}, NeedIn, H, errors) for n, row in rows if n not in bad
        ]

    bodies = await asyncio.to_thread(validate)  # thousands of rows: off the event loop
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.row, e.column)))
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
