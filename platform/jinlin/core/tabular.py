"""Reading and writing spreadsheets (CSV and XLSX) with Chinese column headers.

Imports are all-or-nothing: readers return every row with its spreadsheet row number so a
service can validate them all and report every bad row before writing anything.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import msgspec
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from jinlin.core.errors import Invalid

S = TypeVar("S", bound=msgspec.Struct)


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str
    reason: str  # an English msgid (a template when ``params`` fill it); ImportRejected translates it
    params: dict[str, Any] = field(default_factory=dict)


class ImportRejected(Invalid):
    """Some rows are bad: nothing was imported. ``rows`` lists every problem."""

    code = "import_rejected"

    def __init__(self, errors: list[RowError]) -> None:
        from jinlin.core.forms import field_message
        from jinlin.core.i18n import translate

        # in the reader's language, in the API too: a county office reads these lists row by row
        errors = [
            RowError(e.row, e.column, translate(e.reason, **e.params) if e.params else field_message(e.reason))
            for e in errors
        ]
        fields: dict[str, str] = {}
        for e in errors[:50]:  # every problem of a row, not just its last
            key = f"row {e.row}"
            fields[key] = f"{fields[key]}; {e.column}: {e.reason}" if key in fields else f"{e.column}: {e.reason}"
        super().__init__("{n} bad row(s); nothing was imported", fields, params={"n": len(errors)})
        self.message = self.localized()
        self.errors = errors


class RowErrorOut(msgspec.Struct):
    row: int
    column: str
    reason: str


# Limits checked before (or while) parsing, so a hostile file costs seconds and megabytes, not minutes.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 60
MAX_CELL_CHARS = 4000
# Reports stop after this many bad rows: the first fifty say what is wrong with the file.
MAX_ERRORS = 50


def _too_big(reason: str) -> Invalid:
    return Invalid("The file is too large to import", {"file": reason})


def _check_xlsx_archive(content: bytes) -> None:
    """Refuse a zip bomb by its directory, before decompressing anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise Invalid("Not a readable XLSX file", {"file": "not a readable XLSX file"}) from exc
    if total > MAX_UNCOMPRESSED_BYTES:
        raise _too_big(f"expands to more than {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB")


def _bounded(rows: Iterable[Sequence[object]]) -> list[list[str]]:
    """Read rows lazily, stopping at the first limit passed (a stream, never the whole sheet first)."""
    out: list[list[str]] = []
    for row in rows:
        if len(out) > MAX_ROWS:
            raise _too_big(f"more than {MAX_ROWS} rows")
        cells = ["" if v is None else str(v).strip() for v in row]
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            raise _too_big(f"more than {MAX_COLUMNS} columns")
        if any(len(c) > MAX_CELL_CHARS for c in cells):
            raise _too_big(f"a cell is longer than {MAX_CELL_CHARS} characters")
        out.append([c.replace("\x00", "") for c in cells])
    return out


def _count_xml_rows(archive: zipfile.ZipFile, name: str) -> int:
    """``<row`` elements of one worksheet, counted while decompressing in chunks (nothing parsed)."""
    count, tail = 0, b""
    with archive.open(name) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            count += data.count(b"<row ") + data.count(b"<row>")
            tail = data[-5:]
            count -= tail.count(b"<row ") + tail.count(b"<row>")  # counted again with the next chunk
    return count + tail.count(b"<row ") + tail.count(b"<row>")


def count_rows(filename: str, content: bytes) -> int:
    """About how many data rows a file holds, before parsing it: the same size limits as ``read_table``,
    then line breaks (CSV) or worksheet ``<row>`` tags (XLSX). An upper bound (blank rows count, and a
    quoted cell may hold a line break): it only decides whether an import runs in the background."""
    name = filename.lower()
    if len(content) > MAX_UPLOAD_BYTES:
        raise _too_big(f"larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    if name.endswith(".csv"):
        return max(0, content.count(b"\n") + (not content.endswith(b"\n")) - 1)
    if not name.endswith(".xlsx"):
        raise Invalid("Upload a .csv or .xlsx file", {"file": "must be a .csv or .xlsx file"})
    _check_xlsx_archive(content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        try:
            return max(0, sum(_count_xml_rows(archive, n) for n in sheets) - 1)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
            raise Invalid("Not a readable XLSX file", {"file": "not a readable XLSX file"}) from exc


def read_table(filename: str, content: bytes) -> list[tuple[int, dict[str, str]]]:
    """Rows as (spreadsheet row number, {header: text}); the header is row 1."""
    name = filename.lower()
    if len(content) > MAX_UPLOAD_BYTES:
        raise _too_big(f"larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    if name.endswith(".xlsx"):
        _check_xlsx_archive(content)
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
            rows = _bounded(sheet.iter_rows(values_only=True))
        except Invalid:
            raise
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise Invalid("Not a readable XLSX file", {"file": "not a readable XLSX file"}) from exc
    elif name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = content.decode("gb18030")  # Excel on Chinese Windows saves CSV as GBK
            except UnicodeDecodeError as exc:
                raise Invalid("CSV is not UTF-8 or GBK", {"file": "encoding must be UTF-8 or GBK"}) from exc
        try:
            rows = _bounded(csv.reader(io.StringIO(text)))
        except csv.Error as exc:
            raise Invalid("Not a readable CSV file", {"file": "not a readable CSV file"}) from exc
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


def row_body(
    number: int, values: dict[str, Any], struct: type[S], headers: dict[str, str], errors: list[RowError]
) -> S | None:
    """One parsed row as the API's own request Struct, so an import accepts exactly what the API accepts
    (lengths, ranges, dates, NUL); a refusal becomes a RowError under the column's header."""
    from jinlin.core.forms import split_validation_error

    try:
        return msgspec.convert(values, struct)
    except msgspec.ValidationError as exc:
        field, reason = split_validation_error(str(exc))
    except Invalid as exc:  # core.schemas.Body's checks
        field, reason = next(iter(exc.fields.items()), ("_form", exc.message))
    errors.append(RowError(number, headers.get(field, field), reason))
    return None


# Rows written per transaction: an import of thousands of rows never holds SQLite's write lock for more
# than a moment, so other writers go on (rows were all validated before the first batch).
IMPORT_BATCH = 50


def batches(items: Sequence[Any], size: int = IMPORT_BATCH) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def yield_to_writers() -> None:
    """Between an import's batches: SQLite's busy handler polls (up to every 100 ms) and is not fair, so a
    waiting writer gets the lock only if the import pauses a little; PostgreSQL needs no pause."""
    import asyncio

    from jinlin.core.db import is_sqlite

    await asyncio.sleep(0.1 if is_sqlite() else 0)


class ImportProgress(Protocol):
    """What a background import job (``jinlin.imports``) watches: set while its import function runs."""

    written: int  # rows an earlier attempt of the same job already committed (a resumed job skips them)

    async def writing(self, total: int) -> None:
        """Every row validated; ``total`` rows are about to be written."""

    async def wrote(self, done: int) -> None:
        """Inside a batch's write transaction: rows up to ``done`` are written once that commits."""


import_progress: ContextVar[ImportProgress | None] = ContextVar("import_progress", default=None)

T = TypeVar("T")


async def write_rows(
    items: Sequence[T], write: Callable[[Sequence[T]], Awaitable[None]], size: int | None = IMPORT_BATCH
) -> None:
    """Write validated rows, ``size`` per write transaction (``None``: all in one), pausing between
    batches for other writers. Under a background job each batch also records the job's progress in its
    own transaction, so a job retried after its worker died skips exactly the rows already committed
    (never imported twice)."""
    from jinlin.core.db import write_transaction

    progress = import_progress.get()
    start = progress.written if progress else 0
    if progress:
        await progress.writing(len(items))
    step = size or max(1, len(items))
    # An empty file still runs ``write`` once (its audit record), unless a resumed job wrote it already.
    for offset in range(start, len(items), step) if items or start else [0]:
        batch = items[offset : offset + step]
        async with write_transaction():
            await write(batch)
            if progress:
                await progress.wrote(offset + len(batch))
        if offset + step < len(items):
            await yield_to_writers()


async def read_rows(filename: str, content: bytes) -> list[tuple[int, dict[str, str]]]:
    """``read_table`` in a worker thread: parsing a large sheet must not stall the event loop."""
    import asyncio

    return await asyncio.to_thread(read_table, filename, content)


def check_headers(rows_header: Iterable[str], required: Sequence[str]) -> None:
    missing = [h for h in required if h not in set(rows_header)]
    if missing:
        raise ImportRejected([RowError(1, h, "missing column") for h in missing])


# A cell starting with one of these is a formula to Excel (or to a CSV re-save of the sheet): written as text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def as_cell(value: object) -> object:
    """A value a spreadsheet can hold: text without control characters (a NUL breaks the file)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[object]], title: str = "Sheet1") -> bytes:
    return write_xlsx_book([(title, headers, rows)])


def write_xlsx_book(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]]) -> bytes:
    """Several sheets, each (title, headers, rows), in one workbook."""
    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append(list(headers))
        for row in rows:
            sheet.append([as_cell(v) for v in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
                    cell.data_type = "s"  # shown as typed, never evaluated by Excel
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def read_upload(upload: object) -> tuple[str, bytes]:
    """The file of an import form or multipart request as (filename, content); none attached is a 400."""
    from litestar.datastructures import UploadFile

    if not isinstance(upload, UploadFile) or not upload.filename:
        raise Invalid("Attach a file", {"file": "Attach a .csv or .xlsx file"})
    return upload.filename, await upload.read()
