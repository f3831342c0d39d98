"""资源清单 in and out of Excel, in the layout of the needs list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec

from jinlin.areas.tables import Area
from jinlin.audit.service import record
from jinlin.auth.principal import UNIT_ROLES, Principal
from jinlin.catalog.codes import as_list
from jinlin.catalog.labels import category_code, category_zh, split_list, zh
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
from jinlin.offers.schemas import OfferIn
from jinlin.offers.service import query_offers
from jinlin.offers.tables import Offer

H = {
    "id": "编号",
    "title": "标题",
    "category": "类别",
    "capacity": "数量",
    "unit": "单位",
    "capacity_left": "剩余数量",
    "service_areas": "服务区域",
    "radius_km": "服务半径(公里)",
    "available_from": "开始时间",
    "available_until": "结束时间",
    "skills": "技能",
    "description": "描述",
    "status": "状态",
}
REQUIRED = [H["title"], H["category"], H["capacity"]]
TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y/%m/%d %H:%M", "%Y/%m/%d")


TIME_COLUMNS = ("available_from", "available_until")


def _fmt(value: datetime | None) -> str:
    return clock.local(value, "%Y-%m-%d %H:%M")  # China time; the header says so


async def export_offers(principal: Principal, **filters: Any) -> bytes:
    rows, _ = await query_offers(principal, None, **filters)
    area_ids = {int(i) for r in rows for i in as_list(r["service_area_ids"])}
    names = (
        {a["id"]: a["name"] for a in await Area.select(Area.id, Area.name).where(Area.id.is_in(list(area_ids)))}
        if area_ids
        else {}
    )
    body = [
        [
            r["id"],
            r["title"],
            category_zh(r["category"]),
            r["capacity"],
            r["unit"],
            r["capacity_left"],
            "、".join(names.get(int(i), str(i)) for i in as_list(r["service_area_ids"])),
            r["radius_km"] if r["radius_km"] is not None else "",
            _fmt(r["available_from"]),
            _fmt(r["available_until"]),
            "、".join(as_list(r["skills"])),
            r["description"],
            zh(r["status"]),
        ]
        for r in rows
    ]
    headers = [clock.zoned(h) if k in TIME_COLUMNS else h for k, h in H.items()]
    return write_xlsx(headers, body, title="资源清单")


def _time(text: str, column: str, number: int, errors: list[RowError]) -> datetime | None:
    if not text:
        return None
    when = clock.parse_local(text, TIME_FORMATS)  # typed in China time, like the export writes it
    if when is not None:
        return when
    errors.append(RowError(number, column, "must be a time like 2026-12-01 09:00"))
    return None


def _parse(number: int, raw: dict[str, str], areas: dict[str, list[int]], errors: list[RowError]) -> dict[str, Any]:
    # a time column may carry the export's zone note: a re-imported export reads the same
    get = lambda key: (raw.get(H[key]) or raw.get(clock.zoned(H[key])) or "").strip()  # noqa: E731
    out: dict[str, Any] = {"title": get("title"), "unit": get("unit"), "description": get("description")}
    if not out["title"]:
        errors.append(RowError(number, H["title"], "required"))
    out["category"] = category_code(get("category"))
    if out["category"] is None:
        errors.append(RowError(number, H["category"], "unknown category {value}", {"value": get("category")}))
    try:
        out["capacity"] = int(float(get("capacity")))
        if out["capacity"] < 1 or float(get("capacity")) != out["capacity"]:
            raise ValueError
    except (ValueError, OverflowError):  # "inf", "1e400"
        errors.append(RowError(number, H["capacity"], "must be a positive whole number"))
    ids = []
    for name in split_list(get("service_areas")):
        found = areas.get(name, [])
        if len(found) != 1:
            errors.append(
                RowError(
                    number,
                    H["service_areas"],
                    "no area named {name}" if not found else "{name} is ambiguous",
                    {"name": name},
                )
            )
        else:
            ids.append(found[0])
    out["service_area_ids"] = ids
    out["radius_km"] = None
    if get("radius_km"):
        try:
            out["radius_km"] = float(get("radius_km"))
            if not 0 < out["radius_km"] <= 500:
                raise ValueError
        except ValueError:
            errors.append(RowError(number, H["radius_km"], "must be a number of kilometres up to 500"))
    out["available_from"] = _time(get("available_from"), H["available_from"], number, errors)
    out["available_until"] = _time(get("available_until"), H["available_until"], number, errors)
    if out["available_from"] and out["available_until"] and out["available_until"] < out["available_from"]:
        errors.append(RowError(number, H["available_until"], "must not be before the start"))
    out["skills"] = split_list(get("skills"))
    return out


def import_organization(principal: Principal, organization_id: int | None) -> int:
    """The unit an offers import goes to, if the caller may import there (checked before reading the file)."""
    if not principal.unit_ids:
        raise Forbidden("Only the unit's liaison or the team's leader imports its offers")
    if organization_id is None:
        mine = sorted(principal.unit_ids)
        if len(mine) != 1:
            raise Invalid("Say which organisation", {"organization_id": "required"})
        organization_id = mine[0]
    if not principal.acts_for(organization_id, UNIT_ROLES):
        raise Forbidden("Only the unit's liaison or the team's leader imports its offers")
    return organization_id


async def import_offers(principal: Principal, filename: str, content: bytes, organization_id: int | None) -> list[int]:
    organization_id = import_organization(principal, organization_id)
    table = await read_rows(filename, content)
    if table:
        check_headers(table[0][1].keys(), REQUIRED)
    areas: dict[str, list[int]] = {}
    for a in await Area.select(Area.id, Area.name):
        areas.setdefault(a["name"], []).append(a["id"])
    errors: list[RowError] = []
    rows = [_parse(n, raw, areas, errors) for n, raw in table]
    bad = {e.row for e in errors}
    for (n, _), row in zip(table, rows, strict=True):
        if n not in bad:  # the API's own checks too (lengths, dates, NUL)
            row_body(n, {"organization_id": organization_id, **row}, OfferIn, H, errors)
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.row, e.column)))
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
