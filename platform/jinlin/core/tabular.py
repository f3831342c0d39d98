"""Reading and writing spreadsheets (CSV and XLSX) with Chinese column headers.

Imports are all-or-nothing: readers return every row with its spreadsheet row number so a
service can validate them all and report every bad row before writing anything.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import msgspec
from openpyxl import Workbook, load_workbook

from jinlin.core.errors import Invalid


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str
    reason: str


class ImportRejected(Invalid):
    """Some rows are bad: nothing was imported. ``rows`` lists every problem."""

    code = "import_rejected"

    def __init__(self, errors: list[RowError]) -> None:
        fields = {f"row {e.row}": f"{e.column}: {e.reason}" for e in errors[:50]}
        super().__init__(f"{len(errors)} bad row(s); nothing was imported", fields)
        self.errors = errors


class RowErrorOut(msgspec.Struct):
    row: int
    column: str
    reason: str


def read_table(filename: str, content: bytes) -> list[tuple[int, dict[str, str]]]:
    """Rows as (spreadsheet row number, {header: text}); the header is row 1."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise Invalid("Not a readable XLSX file", {"file": "not a readable XLSX file"}) from exc
        rows = [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
    elif name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = content.decode("gb18030")  # Excel on Chinese Windows saves CSV as GBK
            except UnicodeDecodeError as exc:
                raise Invalid("CSV is not UTF-8 or GBK", {"file": "encoding must be UTF-8 or GBK"}) from exc
        rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    else:
        raise Invalid("Upload a .csv or .xlsx file", {"file": "must be a .csv or .xlsx file"})
    if not rows:
        raise Invalid("The file is empty", {"file": "empty file"})
    header = rows[0]
    out = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        out.append((number, {h: (row[i] if i < len(row) else "") for i, h in enumerate(header) if h}))
    return out


def check_headers(rows_header: Iterable[str], required: Sequence[str]) -> None:
    missing = [h for h in required if h not in set(rows_header)]
    if missing:
        raise ImportRejected([RowError(1, h, "missing column") for h in missing])


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[object]], title: str = "Sheet1") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def read_upload(upload: object) -> tuple[str, bytes]:
    """The file of an import form or multipart request as (filename, content); none attached is a 400."""
    from litestar.datastructures import UploadFile

    if not isinstance(upload, UploadFile) or not upload.filename:
        raise Invalid("Attach a file", {"file": "Attach a .csv or .xlsx file"})
    return upload.filename, await upload.read()
