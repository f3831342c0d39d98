"""Households by Excel template (one row per resident) for the community's own staff.

Import is all-or-nothing and its row errors never repeat a personal value (the row and column say enough).
Exports hold full records, so each one is audited, and carries a watermark with the exporter and time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
from openpyxl import Workbook

from jinlin.areas.tables import Area
from jinlin.audit.service import record
from jinlin.auth.principal import Principal
from jinlin.catalog.codes import FOCUS_GROUPS
from jinlin.catalog.labels import beneficiary_code, beneficiary_zh, split_list, yes_no
from jinlin.core import clock
from jinlin.core.crypto import keyring
from jinlin.core.db import write_transaction
from jinlin.core.errors import Forbidden, Invalid
from jinlin.core.sheets import Column, Sheet
from jinlin.core.tabular import ImportRejected, RowError, write_rows
from jinlin.households import access, keeping, service
from jinlin.households.schemas import ResidentIn
from jinlin.households.tables import Household, Resident
from jinlin.households.tags import county_tags

# Rows are checked by ``_parse`` (its messages never echo a cell: personal data stays out of errors).
SHEET = Sheet(
    "households",
    "households",
    (
        Column("grid", "网格", required=True),
        Column("building", "楼栋"),
        Column("door", "门牌", required=True),
        Column("name", "姓名", required=True),
        Column("gender", "性别"),
        Column("birth_year", "出生年份"),
        Column("relation", "与户主关系"),
        Column("phone", "联系电话"),
        Column("id_number", "身份证号"),
        Column("focus_groups", "重点人群"),
        Column("extra_tags", "其他标签"),
        Column("care_note", "关怀备注"),
        Column("consent_contact", "同意联系"),
    ),
)
H = SHEET.labels
REQUIRED = SHEET.required
GENDERS = {"男": "male", "女": "female", "male": "male", "female": "female", "": ""}
GENDER_ZH = {"male": "男", "female": "女"}
WATERMARK = "导出人"


async def community_of_staff(principal: Principal, community_id: int | None) -> tuple[int, list[str], str]:
    """(community id, grid paths the principal keeps, community path): admins keep all, posts their grids."""
    scope = await access.scope_of(principal)
    candidates = sorted(scope.admin_community_ids)
    from jinlin.orgs.tables import Organization

    communities = await Organization.select(Organization.id, Organization.area.path).where(
        Organization.kind == "community"
    )
    if community_id is None:
        mine = candidates or sorted(
            {c["id"] for c in communities for p in scope.post_paths if p.startswith(c["area.path"])}
        )
        if not mine:
            raise Forbidden("Only the community's own staff import and export its households")
        if len(mine) > 1:
            raise Invalid("Say which community", {"community_id": "required"})
        community_id = mine[0]
    path = next((c["area.path"] for c in communities if c["id"] == community_id), None)
    if path is None:
        raise Forbidden("Only the community's own staff import and export its households")
    if community_id in scope.admin_community_ids:
        return community_id, [path], path
    grids = [p for p in scope.post_paths if p.startswith(path)]
    if not grids:
        raise Forbidden("Only the community's own staff import and export its households")
    return community_id, grids, path


async def export_households(principal: Principal, community_id: int | None = None) -> bytes:
    community_id, paths, _ = await community_of_staff(principal, community_id)
    households = await access.household_select().where(
        (Household.community == community_id) & (Household.status == "active")
    )
    households = [h for h in households if any(h["grid.path"].startswith(p) for p in paths)]
    by_id = {h["id"]: h for h in households}
    residents = (
        await Resident.select()
        .where(Resident.household.is_in(sorted(by_id) or [0]) & (Resident.status == "active"))
        .order_by(Resident.id)
    )
    groups = await service.focus_groups_of([r["id"] for r in residents])
    book = Workbook()
    sheet = book.active
    sheet.title = "households"
    now = clock.now()
    mark = f"{WATERMARK}：{principal.username}　导出时间：{clock.local(now, '%Y-%m-%d %H:%M')}　仅限本社区工作使用，不得外传"
    sheet.oddHeader.center.text = mark  # printed on every page as well
    sheet.append(SHEET.headers)
    for r in sorted(
        residents,
        key=lambda r: (
            by_id[r["household"]]["grid.name"],
            by_id[r["household"]]["building"],
            by_id[r["household"]]["door"],
            r["id"],
        ),
    ):
        h, out = by_id[r["household"]], service.resident_out(r, groups[r["id"]])
        sheet.append(
            [
                h["grid.name"],
                h["building"],
                h["door"],
                out.name,
                GENDER_ZH.get(out.gender, ""),
                out.birth_year or "",
                out.relation,
                out.phone,
                out.id_number_masked,
                "、".join(beneficiary_zh(g) for g in out.focus_groups),
                "、".join(out.extra_tags),
                out.care_note,
                "是" if out.consent_contact else "否",
            ]
        )
    sheet.append([])
    sheet.append([mark])
    async with write_transaction():
        await access.log_access(
            principal,
            "export",
            "community_admin" if community_id in principal.org_ids(frozenset({"community_admin"})) else "grid_post",
            "export by template",
            count=len(residents),
        )
        await record(principal, "export", "household", None, {"residents": len(residents)})
    import io

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template() -> bytes:
    return SHEET.example(
        [
            [
                "第一网格",
                "3号楼",
                "2单元301",
                "张某某",
                "女",
                1948,
                "户主",
                "13800000000",
                "",
                "空巢老人",
                "",
                "独居，行动不便",
                "是",
            ]
        ],
    )


def _parse(
    number: int, raw: dict[str, str], grids: dict[str, dict[str, Any]], tags: list[str], errors: list[RowError]
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    get = lambda key: (raw.get(H[key]) or "").strip()  # noqa: E731
    bad = len(errors)
    grid = grids.get(get("grid"))
    if grid is None:
        errors.append(RowError(number, H["grid"], "no grid of that name you keep in the community"))
    if not get("door"):
        errors.append(RowError(number, H["door"], "required"))
    groups = []
    for text in split_list(get("focus_groups")):
        code = beneficiary_code(text)
        if code not in FOCUS_GROUPS:
            errors.append(RowError(number, H["focus_groups"], "unknown focus group"))
        else:
            groups.append(code)
    extra = split_list(get("extra_tags"))
    if any(t not in tags for t in extra):
        errors.append(RowError(number, H["extra_tags"], "not one of the county's tags"))
    consent = yes_no(get("consent_contact")) if get("consent_contact") else False
    if consent is None:
        errors.append(RowError(number, H["consent_contact"], "must be 是 or 否"))
    if get("gender") not in GENDERS:
        errors.append(RowError(number, H["gender"], "must be 男 or 女"))
    id_number = get("id_number")
    values = {
        "name": get("name"),
        "gender": GENDERS.get(get("gender"), ""),
        "relation": get("relation"),
        "phone": get("phone"),
        "id_number": "" if "*" in id_number else id_number,
        "focus_groups": groups,
        "extra_tags": extra,
        "care_note": get("care_note"),
        "consent_contact": bool(consent),
    }
    if get("birth_year"):
        try:
            values["birth_year"] = int(float(get("birth_year")))
        except ValueError:
            errors.append(RowError(number, H["birth_year"], "must be a year such as 1948"))
    try:
        resident = msgspec.convert(values, ResidentIn)
        keeping.sealed_values(resident)
    except (msgspec.ValidationError, Invalid) as exc:
        # Name the column only: the message must not echo a name, phone or ID number.
        field = str(exc).partition("$.")[2].rstrip("`").split("[")[0] or next(iter(getattr(exc, "fields", {})), "")
        errors.append(RowError(number, H.get(field, field or H["name"]), "not valid"))
    if len(errors) > bad or grid is None:
        return None
    return {"grid": grid, "building": get("building"), "door": get("door")}, values


def _id_hashes(parsed: Sequence[tuple[int, Any]]) -> dict[int, str]:
    """{row: the ID number's search hash} for the rows that give one."""
    ring = keyring()
    out = {}
    for number, item in parsed:
        assert item is not None  # rows with errors were refused before
        found = ring.search_hash(item[1]["id_number"])
        if found:
            out[number] = found
    return out


def _refuse_duplicate_ids(hashes: dict[int, str], taken: set[str]) -> None:
    """One active resident per ID number: a row repeating an earlier row's, or one already recorded, is
    refused by row number (never echoing the number)."""
    errors: list[RowError] = []
    first: dict[str, int] = {}
    for number, found in sorted(hashes.items()):
        if found in taken:
            errors.append(RowError(number, H["id_number"], "already recorded"))
        elif found in first:
            errors.append(RowError(number, H["id_number"], "the same ID number as row {row}", {"row": first[found]}))
        else:
            first[found] = number
    if errors:
        raise ImportRejected(errors)


async def import_households(
    principal: Principal, filename: str, content: bytes, community_id: int | None = None
) -> int:
    """Create the households and residents of a template; one bad row and nothing is imported."""
    community_id, paths, community_path = await community_of_staff(principal, community_id)
    table = await SHEET.read(filename, content)
    table = [(n, raw) for n, raw in table if not next(iter(raw.values()), "").startswith(WATERMARK)]
    grid_rows = await Area.select().where(Area.path.like(f"{community_path}%") & (Area.level == "grid"))
    grids: dict[str, dict[str, Any]] = {}
    for g in grid_rows:
        if any(g["path"].startswith(p) for p in paths):
            grids[g["name"]] = g
            if g["code"]:
                grids[g["code"]] = g
    tags = await county_tags(community_path)
    errors: list[RowError] = []
    parsed = [(n, _parse(n, raw, grids, tags, errors)) for n, raw in table]
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.row, e.column)))
    hashes = _id_hashes(parsed)
    async with write_transaction():  # a first look, to name every row; the write looks again
        _refuse_duplicate_ids(hashes, await keeping.claim_id_numbers(list(hashes.values())))
    now = clock.now()
    done: list[int] = []

    async def write(batch: Sequence[tuple[int, Any]]) -> None:  # one transaction: households are shared by rows
        _refuse_duplicate_ids(hashes, await keeping.claim_id_numbers(list(hashes.values())))
        homes: dict[tuple[int, str, str], dict[str, Any]] = {}
        for _, item in batch:
            assert item is not None
            place, values = item
            key = (place["grid"]["id"], place["building"], place["door"])
            if key not in homes:
                existing = (
                    await access.household_select()
                    .where(
                        (Household.grid == key[0])
                        & (Household.building == key[1])
                        & (Household.door == key[2])
                        & (Household.status == "active")
                    )
                    .first()
                )
                if existing is None:
                    row = Household(
                        community=community_id,
                        grid=key[0],
                        building=key[1],
                        door=key[2],
                        created_by=principal.account_id,
                        created_at=now,
                        updated_at=now,
                    )
                    await row.save()
                    existing = {"id": row.id, "grid": key[0]}
                homes[key] = existing
            household = homes[key]
            resident = msgspec.convert(values, ResidentIn)
            person = Resident(
                household=household["id"], created_at=now, updated_at=now, **keeping.sealed_values(resident)
            )
            await person.save()
            await keeping.set_groups(person.id, household, resident.focus_groups)
            done.append(person.id)
        for household in homes.values():
            await keeping.recount(household["id"])
        await record(principal, "import", "resident", None, {"imported": len(done), "households": len(homes)})

    await write_rows(parsed, write, size=None)
    return len(done)
