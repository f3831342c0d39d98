"""The three set-up spreadsheets: their Chinese columns, drop-down lists, and downloadable templates.

A template's first sheet is where data goes (header in row 1, as ``core.tabular.read_table`` reads it);
a second sheet explains every column. Drop-downs list the Chinese labels of the catalogs, and a cell
may hold either the label or the code.
"""

from __future__ import annotations

from jinlin.core.sheets import Column, Sheet, code_of, label

__all__ = ["Column", "Sheet", "code_of", "label", "template"]


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
    return sheet.template()
