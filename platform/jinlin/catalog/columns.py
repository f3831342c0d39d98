"""Spreadsheet columns of the catalog's words, shared by the needs and offers lists: one header, one
export wording and one import reading for each (see ``core.sheets``)."""

from __future__ import annotations

from jinlin.catalog.labels import category_code, category_zh, zh
from jinlin.core import sheets
from jinlin.core.sheets import Column

ID = Column("id", "编号", read=False)
CATEGORY = Column(
    "category",
    "类别",
    required=True,
    parse=sheets.lookup(category_code, "unknown category {value}"),
    show=lambda r: category_zh(r["category"]),
)
STATUS = Column("status", "状态", read=False, show=lambda r: zh(r["status"]))
