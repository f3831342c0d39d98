"""core.sheets: a spreadsheet declared once decodes every row, reporting every bad cell under its Chinese
header and row number, and never fails on what a spreadsheet can hold ("inf", "1e400", "3.0")."""

import io

from openpyxl import load_workbook

from jinlin.core import sheets
from jinlin.core.sheets import CellError, Column, Sheet


def _colour(text: str) -> str | None:
    return {"红色": "red", "绿色": "green"}.get(text)


SHEET = Sheet(
    "sample",
    "样表",
    (
        Column("id", "编号", read=False),
        Column("title", "标题", required=True, parse=sheets.text(required=True, max_length=5)),
        Column("quantity", "数量", required=True, parse=sheets.whole(1, 100)),
        Column("colour", "分色", blank=None, parse=sheets.lookup(_colour, "unknown colour {value}")),
        Column("groups", "群体", parse=sheets.listed(_colour, "unknown group {value}")),
        Column("urgent", "紧急", blank=False, parse=sheets.yes_or_no),
        sheets.china_time("due", "时限"),
    ),
)


def test_a_good_row_decodes_to_values_and_blanks_take_their_defaults():
    rows, errors = SHEET.decode([(2, {"标题": " 助餐 ", "数量": "3.0", "群体": "红色、绿色"})])
    assert errors == []
    assert rows == [
        (2, {"title": "助餐", "quantity": 3, "colour": None, "groups": ["red", "green"], "urgent": False, "due": None})
    ]


def test_every_bad_cell_is_reported_under_its_header_and_row():
    table = [
        (2, {"标题": "", "数量": "inf", "分色": "紫色", "群体": "红色、蓝色、黄色", "紧急": "也许"}),
        (3, {"标题": "太长的标题啊", "数量": "1e400", "时限（北京时间）": "明天"}),
    ]
    rows, errors = SHEET.decode(table)
    found = {(e.row, e.column, e.reason) for e in errors}
    assert found == {
        (2, "标题", "required"),
        (2, "数量", "must be a whole number from {low} to {high}"),
        (2, "分色", "unknown colour {value}"),
        (2, "群体", "unknown group {value}"),  # 蓝色 and 黄色: two problems in one cell
        (2, "紧急", "must be 是 or 否"),
        (3, "标题", "at most 5 characters"),
        (3, "数量", "must be a whole number from {low} to {high}"),
        (3, "时限", "must be a time like 2026-12-01 09:00"),
    }
    assert sum(1 for e in errors if e.column == "群体") == 2
    assert rows[0][1]["quantity"] is None


def test_the_export_writes_every_column_and_notes_china_time_on_time_headers():
    content = SHEET.export(
        [{"id": 7, "title": "助餐", "quantity": 3, "colour": "red", "groups": "", "urgent": "是", "due": None}]
    )
    sheet = load_workbook(io.BytesIO(content)).active
    header, row = list(sheet.iter_rows(values_only=True))
    assert header == ("编号", "标题", "数量", "分色", "群体", "紧急", "时限（北京时间）")
    assert row[:3] == (7, "助餐", 3)


def test_a_cell_error_can_carry_several_problems():
    error = CellError.of([("a {value}", {"value": 1}), ("b", {})])
    assert error.problems == [("a {value}", {"value": 1}), ("b", {})]
