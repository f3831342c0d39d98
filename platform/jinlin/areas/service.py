"""区域 rules: the tree's shape, who may change which subtree, and all-or-nothing imports."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from jinlin.areas.schemas import AreaIn, AreaOut, AreaPatch
from jinlin.areas.tables import LEVEL_ORDER, Area
from jinlin.audit.service import diff, record
from jinlin.auth.principal import AREA_ADMIN_ROLES, STAFF_ROLES, Principal
from jinlin.core import clock, sheets
from jinlin.core.db import write_transaction
from jinlin.core.errors import Conflict, Forbidden, Invalid, NotFound
from jinlin.core.i18n import translate
from jinlin.core.pagination import Page, PageRequest, fetch_filtered
from jinlin.core.sheets import Column, Sheet
from jinlin.core.tabular import ImportRejected, RowError, write_rows

# The level names county offices use in their area lists.
LEVEL_NAMES_ZH = {
    "县": "county",
    "区县": "county",
    "街道": "street",
    "乡镇": "street",
    "镇": "street",
    "乡": "street",
    "社区": "community",
    "村": "community",
    "网格": "grid",
    "小区": "compound",
    "楼栋": "building",
    "楼": "building",
}


def _level(text: str) -> str | None:
    return LEVEL_NAMES_ZH.get(text, text if text in LEVEL_ORDER else None)


BETWEEN = "must be a number between {low} and {high}"
# Import columns (Chinese headers, as county offices keep them).
IMPORT_SHEET = Sheet(
    "areas",
    "区域",
    (
        Column("name", "名称", required=True, parse=sheets.text(required=True)),
        Column("level", "级别", required=True, parse=sheets.lookup(_level, "unknown level {value}")),
        Column("code", "编码", blank=None),
        Column("parent_code", "上级编码", blank=None),
        Column("lat", "纬度", blank=None, parse=sheets.number(-90, 90, BETWEEN)),
        Column("lon", "经度", blank=None, parse=sheets.number(-180, 180, BETWEEN)),
        Column("population", "人口", blank=None, parse=sheets.whole(0, None, "must be a non-negative whole number")),
    ),
)
IMPORT_HEADERS = IMPORT_SHEET.labels
COUNTY_BY_INIT = "A county is created once, by jinlin init; add streets and communities inside your county"


def to_out(row: dict[str, Any]) -> AreaOut:
    return AreaOut(
        id=row["id"],
        name=row["name"],
        level=row["level"],
        parent_id=row["parent"],
        code=row["code"],
        lat=row["lat"],
        lon=row["lon"],
        population=row["population"],
        path=row["path"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def get_row(area_id: int) -> dict[str, Any]:
    row = await Area.select().where(Area.id == area_id).first()
    if row is None:
        raise NotFound("Area not found")
    return row


async def get_area(principal: Principal, area_id: int) -> AreaOut:
    # The area tree is not personal data: every logged-in user may read it (units pick service areas).
    return to_out(await get_row(area_id))


async def managed_row(principal: Principal, area_id: int) -> dict[str, Any]:
    """The area, if the caller may change it: the one check behind the edit form, its save and delete."""
    row = await get_row(area_id)
    if not principal.can_manage_area(row["path"]):
        raise Forbidden("This area is outside what you manage")
    return row


async def breadcrumbs(path: str) -> list[dict[str, Any]]:
    """The areas on a path, from the root down (for the area page's trail)."""
    ids = [int(p) for p in path.strip("/").split("/") if p]
    rows = (
        {r["id"]: r for r in await Area.select(Area.id, Area.name, Area.level).where(Area.id.is_in(ids))} if ids else {}
    )
    return [rows[i] for i in ids if i in rows]


async def children_of(area_id: int) -> list[dict[str, Any]]:
    return await Area.select().where(Area.parent == area_id).order_by(Area.name)


async def roots_and_own(principal: Principal) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The tree's roots, and the areas the principal works in (the areas index page)."""
    roots = await Area.select().where(Area.parent.is_null()).order_by(Area.name)
    mine = sorted({m.area_id for m in principal.memberships if m.role in STAFF_ROLES})
    own = await Area.select().where(Area.id.is_in(mine)).order_by(Area.path) if mine else []
    return roots, own


async def subtree_ids(area_id: int) -> list[int]:
    row = await get_row(area_id)
    rows = await Area.select(Area.id).where(Area.path.like(f"{row['path']}%"))
    return [r["id"] for r in rows]


async def list_areas(
    principal: Principal,
    paging: PageRequest,
    *,
    level: str | None = None,
    parent_id: int | None = None,
    area_id: int | None = None,
    q: str | None = None,
) -> Page[AreaOut]:
    where = []
    if level:
        where.append(Area.level == level)
    if parent_id is not None:
        where.append(Area.parent == parent_id)
    if area_id is not None:
        root = await get_row(area_id)
        where.append(Area.path.like(f"{root['path']}%"))
    if q:
        where.append(Area.name.like(f"%{q}%"))
    query = Area.select().order_by(Area.path)
    rows, total = await fetch_filtered(query, Area, where, paging)
    return paging.page([to_out(r) for r in rows], total)


def _level_rule(parent_level: str | None, level: str) -> tuple[str, dict[str, str]] | None:
    """Why ``level`` can't sit under ``parent_level``, as (msgid, params); None when it can."""
    if parent_level is None:
        return None if level == "county" else ("only a county may have no parent", {})
    expected = LEVEL_ORDER.index(parent_level) + 1
    if expected >= len(LEVEL_ORDER) or LEVEL_ORDER[expected] != level:
        allowed = LEVEL_ORDER[expected] if expected < len(LEVEL_ORDER) else "nothing"
        return "a {parent} can only contain a {child}", {"parent": parent_level, "child": allowed}
    return None


async def _insert(data: AreaIn, parent: dict[str, Any] | None) -> int:
    now = clock.now()
    area = Area(
        name=data.name,
        level=data.level,
        parent=parent["id"] if parent else None,
        code=data.code,
        lat=data.lat,
        lon=data.lon,
        population=data.population,
        path="",
        created_at=now,
        updated_at=now,
    )
    await area.save()
    path = f"{parent['path'] if parent else '/'}{area.id}/"
    await Area.update({Area.path: path}).where(Area.id == area.id)
    return area.id


async def create_area(principal: Principal, data: AreaIn) -> AreaOut:
    parent = await get_row(data.parent_id) if data.parent_id is not None else None
    if parent is None:
        # A new county would lie outside every admin's subtree (they could not manage it): a county is
        # created once, with its organisation and first admin, by `jinlin init`.
        raise Forbidden(COUNTY_BY_INIT, {"parent_id": "required: choose the area this one belongs to"})
    if parent is not None and not principal.can_manage_area(f"{parent['path']}0/"):
        raise Forbidden("This area is outside what you manage")
    rule = _level_rule(parent["level"] if parent else None, data.level)
    if rule:
        reason = rule[0].format(**rule[1])
        raise Invalid(rule[0], {"level": reason}, params={**rule[1]})
    async with write_transaction():
        if data.code and await Area.exists().where(Area.code == data.code):
            raise Conflict("An area with this code exists", {"code": "already used"})
        area_id = await _insert(data, parent)
        await record(principal, "create", "area", area_id, msgspec.structs.asdict(data), summary=data.name)
    return to_out(await get_row(area_id))


async def update_area(principal: Principal, area_id: int, patch: AreaPatch) -> AreaOut:
    before = await managed_row(principal, area_id)
    changes = {k: v for k, v in msgspec.structs.asdict(patch).items() if v is not msgspec.UNSET}
    if not changes:
        return to_out(before)
    async with write_transaction():
        if changes.get("code") and await Area.exists().where((Area.code == changes["code"]) & (Area.id != area_id)):
            raise Conflict("An area with this code exists", {"code": "already used"})
        await Area.update({**{getattr(Area, k): v for k, v in changes.items()}, Area.updated_at: clock.now()}).where(
            Area.id == area_id
        )
        await record(principal, "update", "area", area_id, diff(before, changes), summary=before["name"])
    return to_out(await get_row(area_id))


async def delete_area(principal: Principal, area_id: int) -> None:
    from jinlin.orgs.tables import Organization

    before = await managed_row(principal, area_id)
    async with write_transaction():
        if await Area.exists().where(Area.parent == area_id):
            raise Conflict("Delete the areas inside it first", {"area": "has child areas"})
        if await Organization.exists().where(Organization.area == area_id):
            raise Conflict("Organisations are located in this area", {"area": "has organisations"})
        await Area.delete().where(Area.id == area_id)
        await record(principal, "delete", "area", area_id, {"name": [before["name"], None]}, summary=before["name"])


def check_import(principal: Principal) -> None:
    """Who may import areas (before the file is read)."""
    if not principal.has_role(*AREA_ADMIN_ROLES):
        raise Forbidden("Only area administrators import areas")


async def import_areas(principal: Principal, filename: str, content: bytes) -> list[int]:
    """Import an area list; parents are named by code (already stored, or earlier in the file)."""
    check_import(principal)
    decoded, errors = IMPORT_SHEET.decode(await IMPORT_SHEET.read(filename, content))
    rows = [{"row": n, **values} for n, values in decoded]
    codes_in_file: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["code"]:
            if row["code"] in codes_in_file:
                errors.append(
                    RowError(row["row"], IMPORT_HEADERS["code"], "duplicate code {code}", {"code": row["code"]})
                )
            codes_in_file[row["code"]] = row
    existing_codes = (
        {r["code"] for r in await Area.select(Area.code).where(Area.code.is_in(list(codes_in_file)))}
        if codes_in_file
        else set()
    )
    parent_codes = [r["parent_code"] for r in rows if r["parent_code"]]
    stored = {r["code"]: r for r in await Area.select().where(Area.code.is_in(parent_codes))} if parent_codes else {}
    for row in rows:
        if row["code"] in existing_codes:
            errors.append(
                RowError(row["row"], IMPORT_HEADERS["code"], "code {code} already exists", {"code": row["code"]})
            )
        parent_code = row["parent_code"]
        parent_level = None
        if parent_code:
            if parent_code in stored:
                stored_parent = stored[parent_code]
                parent_level = stored_parent["level"]
                if not principal.can_manage_area(f"{stored_parent['path']}0/"):
                    errors.append(RowError(row["row"], IMPORT_HEADERS["parent_code"], "outside what you manage"))
            elif parent_code in codes_in_file and codes_in_file[parent_code]["row"] < row["row"]:
                parent_level = codes_in_file[parent_code]["level"]
            else:
                errors.append(
                    RowError(
                        row["row"], IMPORT_HEADERS["parent_code"], "no area with code {code}", {"code": parent_code}
                    )
                )
                continue
        else:
            errors.append(RowError(row["row"], IMPORT_HEADERS["parent_code"], "required"))
            continue
        if row["level"]:
            rule = _level_rule(parent_level, row["level"])
            if rule:
                errors.append(
                    RowError(
                        row["row"], IMPORT_HEADERS["level"], rule[0], {k: translate(v) for k, v in rule[1].items()}
                    )
                )
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.row, e.column)))
    ids: list[int] = []

    async def write(batch: Sequence[dict[str, Any]]) -> None:  # one transaction: parents come from earlier rows
        by_code = dict(stored)
        for row in batch:
            parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
            data = AreaIn(
                name=row["name"],
                level=row["level"],
                code=row["code"],
                lat=row["lat"],
                lon=row["lon"],
                population=row["population"],
            )
            area_id = await _insert(data, parent)
            ids.append(area_id)
            if row["code"]:
                by_code[row["code"]] = await get_row(area_id)
        await record(
            principal,
            "import",
            "area",
            None,
            {"imported": len(ids), "file": filename},
            summary=f"{len(ids)} areas from {filename}",
        )

    await write_rows(rows, write, size=None)
    return ids
