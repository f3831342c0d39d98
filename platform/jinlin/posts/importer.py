"""Bulk assignment of posts from Excel (or CSV): all-or-nothing, every bad row reported with its number."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from jinlin.accounts.tables import Account
from jinlin.areas.tables import Area
from jinlin.auth.principal import Principal
from jinlin.core.errors import DomainError, Forbidden
from jinlin.core.sheets import Column, Sheet
from jinlin.core.tabular import ImportRejected, RowError, write_rows
from jinlin.posts import policy, service
from jinlin.posts.schemas import PostIn

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = Sheet(
    "posts",
    "岗位",
    (
        Column("area_code", "区域编码", required=True),
        Column("kind", "岗位", required=True),
        Column("department", "部门"),
        Column("username", "账号"),
        Column("contact_name", "姓名"),
        Column("contact_phone", "电话"),
        Column("note", "备注"),
    ),
)
HEADERS = SHEET.labels
KIND_NAMES_ZH = {
    "网格总长": "grid_chief",
    "网格工作组组长": "grid_group_leader",
    "专职网格员": "full_time_grid_worker",
    "兼职网格员": "part_time_grid_worker",
    "小区党支部书记": "compound_party_secretary",
    "楼栋长": "building_head",
    "下沉人员": "department_staff",
}
EXAMPLE = [
    ("E01-C1-G1", "专职网格员", "", "grid", "", "", ""),
    ("E01-C1-G1", "下沉人员", "民政", "", "王民政", "13800001234", "每周二驻格"),
    ("E01-C1-G1-Q1-B1", "楼栋长", "", "", "李大姐", "13900005678", ""),
]


def template_xlsx() -> bytes:
    return SHEET.example(EXAMPLE)


def check_import(principal: Principal) -> None:
    """Who may import posts (before the file is read)."""
    if not principal.has_role(*service.STAFFING_ROLES):
        raise Forbidden("Only community, street and county admins assign posts")


async def import_posts(principal: Principal, filename: str, content: bytes) -> list[int]:
    check_import(principal)
    table = await SHEET.read(filename, content)
    codes = sorted({raw.get(HEADERS["area_code"], "").strip() for _, raw in table} - {""})
    areas = {a["code"]: a for a in await Area.select().where(Area.code.is_in(codes))} if codes else {}
    names = sorted({raw.get(HEADERS["username"], "").strip() for _, raw in table} - {""})
    accounts = (
        {
            a["username"]: a["id"]
            for a in await Account.select(Account.id, Account.username).where(
                Account.username.is_in(names) & (Account.active == True)  # noqa: E712 (a Piccolo column comparison)
            )
        }
        if names
        else {}
    )
    errors: list[RowError] = []
    rows: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for number, raw in table:

        def cell(key: str, _raw: dict[str, str] = raw) -> str:
            return _raw.get(HEADERS[key], "").strip()

        area = areas.get(cell("area_code"))
        if area is None:
            errors.append(
                RowError(number, HEADERS["area_code"], "no area with code {code}", {"code": cell("area_code")})
            )
            continue
        if not service.can_staff(principal, area["path"]):
            errors.append(RowError(number, HEADERS["area_code"], "outside what you staff"))
            continue
        kind = KIND_NAMES_ZH.get(cell("kind"), cell("kind"))
        department = cell("department")
        pol = await policy.policy(await policy.county_of(area["path"]))
        department = next((d.code for d in pol.departments if department in (d.code, d.zh, d.en)), department)
        username = cell("username")
        if username and username not in accounts:
            errors.append(RowError(number, HEADERS["username"], "no active account {name}", {"name": username}))
            continue
        try:
            data = msgspec.convert(
                {
                    "kind": kind,
                    "department": department,
                    "account_id": accounts.get(username),
                    "contact_name": cell("contact_name"),
                    "contact_phone": cell("contact_phone"),
                    "note": cell("note"),
                },
                PostIn,
            )
            values = await service.validate(data, area)
        except msgspec.ValidationError as exc:
            where = str(exc).partition(" - at `$.")[2].rstrip("`") or "kind"
            errors.append(RowError(number, HEADERS.get(where, HEADERS["kind"]), str(exc).partition(" - at ")[0]))
            continue
        except DomainError as exc:
            field, reason = next(iter(exc.fields.items()), ("kind", exc.message))
            errors.append(RowError(number, HEADERS.get(field, HEADERS["kind"]), reason))
            continue
        key = (values["area"], values["kind"], values["department"], values["account"], values["contact_name"])
        if key in seen:
            errors.append(RowError(number, HEADERS["kind"], "the same post twice in the file"))
            continue
        seen.add(key)
        rows.append({"row": number, "values": values})
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.row, e.column)))
    ids: list[int] = []

    async def write(batch: Sequence[dict[str, Any]]) -> None:  # one transaction: a clash undoes them all
        for row in batch:
            try:
                ids.append(await service.insert_post(principal, row["values"]))
            except DomainError as exc:
                raise ImportRejected([RowError(row["row"], HEADERS["kind"], exc.message)]) from exc

    await write_rows(rows, write, size=None)
    return ids
