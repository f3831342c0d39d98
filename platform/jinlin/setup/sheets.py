"""The three set-up spreadsheets: their Chinese columns, drop-down lists, and downloadable templates.

A template's first sheet is where data goes (header in row 1, as ``core.tabular.read_table`` reads it);
a second sheet explains every column. Drop-downs list the Chinese labels of the catalogs, and a cell
may hold either the label or the code.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from jinlin.core.i18n import gettext

TEMPLATE_ROWS = 500  # rows the drop-downs cover


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str  # Chinese: the county's spreadsheets are Chinese, whatever the reader's language
    help: str  # Chinese instructions
    required: bool = False
    choices: tuple[str, ...] = ()  # codes; the drop-down shows their Chinese labels
    example: str = ""


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    title: str
    columns: tuple[Column, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.header for c in self.columns if c.required]

    def column(self, key: str) -> str:
        return next(c.header for c in self.columns if c.key == key)


def label(code: str) -> str:
    """A code's Chinese label from the catalogs (the same words the pages use)."""
    return gettext(code, "zh_CN")


def code_of(cell: str, codes: list[str]) -> str | None:
    """The code a cell names, by code or by its Chinese label; None when it names none."""
    text = cell.strip()
    if text in codes:
        return text
    return next((c for c in codes if label(c) == text), None)


ORG_KINDS = ("community", "street_office", "enterprise", "agency", "village", "social_org", "volunteer_team")
ROLES = (
    "county_admin",
    "street_admin",
    "community_admin",
    "community_staff",
    "grid_worker",
    "unit_liaison",
    "team_leader",
    "volunteer",
)
REGISTRATION_KINDS = ("unit", "party_member")
AREA_HELP = "所在区域的编码，或区域名称；同名区域请写路径，如“城关街道 › 河畔社区”"

ORGANIZATIONS = Sheet(
    "organizations",
    "组织",
    (
        Column("name", "名称", "组织全称，最多120字", True, example="清河供电公司"),
        Column("kind", "类型", "从下拉列表选择", True, ORG_KINDS, example=label("enterprise")),
        Column("area", "所在区域", AREA_HELP, True, example="城关街道"),
        Column("contact_name", "联系人", "最多60字", example="王建国"),
        Column("contact_phone", "联系电话", "只含数字、空格、+ 和 -", example="13800001111"),
        Column("description", "简介", "可不填"),
    ),
    (
        "同一区域内组织名称不能重复。",
        "社区管理员只能导入本社区内的共建单位；街道、县级管理员可导入其辖区内的各类组织。",
    ),
)

ACCOUNTS = Sheet(
    "accounts",
    "账号",
    (
        Column("username", "用户名", "3–60位字母、数字、_ . -，全县唯一", True, example="wangjg"),
        Column("display_name", "姓名", "最多60字", True, example="王建国"),
        Column("phone", "手机号", "只含数字、空格、+ 和 -", example="13800001111"),
        Column("organization", "所属组织", "组织名称（须已存在）", True, example="清河供电公司"),
        Column("role", "角色", "从下拉列表选择；须与组织类型相符", True, ROLES, example=label("unit_liaison")),
    ),
    ("导入后为每个账号生成一次性密码，只显示一次，请当场下载或抄录并转交本人；", "本人首次登录须修改密码。"),
)

REGISTRATIONS = Sheet(
    "registrations",
    "报到",
    (
        Column("organization", "单位名称", "报到的单位（党员报到时为其所在单位）", True, example="清河供电公司"),
        Column("community", "报到社区", "社区居委会名称", True, example="河畔社区居委会"),
        Column("kind", "报到类型", "从下拉列表选择", True, REGISTRATION_KINDS, example=label("unit")),
        Column("member", "党员用户名", "党员报到时填写其账号用户名；单位报到不填"),
        Column("note", "备注", "可不填", example="双报到"),
    ),
    ("同一单位（或党员）在同一社区只能有一条有效报到。",),
)

SHEETS = {s.name: s for s in (ORGANIZATIONS, ACCOUNTS, REGISTRATIONS)}


def template(sheet: Sheet) -> bytes:
    """The .xlsx template: the data sheet (headers and drop-downs, no rows: an example left in would be
    imported) and an instructions sheet with an example per column."""
    book = Workbook()
    data = book.active
    data.title = sheet.title
    data.append(sheet.headers)
    for cell in data[1]:
        cell.font = Font(bold=True)
    for i, col in enumerate(sheet.columns):
        letter = data.cell(row=1, column=i + 1).column_letter
        data.column_dimensions[letter].width = max(12, len(col.header) * 3, len(col.example) * 2 + 2)
        if col.choices:
            labels = ",".join(label(c) for c in col.choices)
            rule = DataValidation(
                type="list",
                formula1=f'"{labels}"',
                allow_blank=not col.required,
                showErrorMessage=True,
                errorTitle="请从列表中选择",
                error="请从下拉列表中选择",
            )
            rule.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            data.add_data_validation(rule)
    data.freeze_panes = "A2"
    guide = book.create_sheet("填写说明")
    guide.append(["列", "是否必填", "说明", "可选值", "示例"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for col in sheet.columns:
        guide.append(
            [
                col.header,
                "必填" if col.required else "选填",
                col.help,
                "、".join(label(c) for c in col.choices),
                col.example,
            ]
        )
    guide.append([])
    guide.append(["整表导入：任何一行有错，都不会导入；系统会列出每个错误的行号、列名和原因。"])
    guide.append(["从第一张表的第2行起填写，每行一条；第1行的列名不要改。"])
    for note in sheet.notes:
        guide.append([note])
    for letter, width in (("A", 14), ("B", 10), ("C", 60), ("D", 60), ("E", 20)):
        guide.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
