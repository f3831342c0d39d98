"""One declarative way to a spreadsheet: a ``Sheet`` is a list of ``Column``s, and from it follow the
downloadable template, the export, and an import's row decoding with its Chinese row/column errors.

Headers are a contract (outside tools read the exports and fill in the templates): they are written here
once, per column, and every direction uses the same words. A column's ``parse`` turns a cell's text into
a value or raises ``CellError`` with an English msgid; ``decode`` collects every problem of every row as
``RowError``s under the column's Chinese header, so an all-or-nothing import can report them all.
Reading the file itself (limits, CSV/XLSX, encodings) stays in ``core.tabular``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from jinlin.auth.principal import Principal
from jinlin.catalog.labels import split_list, yes_no
from jinlin.core import clock
from jinlin.core.errors import Forbidden, Invalid
from jinlin.core.i18n import gettext
from jinlin.core.tabular import ImportRejected, RowError, S, check_headers, read_rows, row_body, write_xlsx

TEMPLATE_ROWS = 500  # rows a template's drop-downs cover
TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y/%m/%d %H:%M", "%Y/%m/%d")


class CellError(Exception):
    """What is wrong with one cell: one or more (English msgid, params) problems."""

    def __init__(self, reason: str, params: dict[str, Any] | None = None) -> None:
        super().__init__(reason)
        self.problems: list[tuple[str, dict[str, Any]]] = [(reason, params or {})]

    @classmethod
    def of(cls, problems: list[tuple[str, dict[str, Any]]]) -> CellError:
        error = cls(*problems[0])
        error.problems = problems
        return error


# A cell's stripped text and the import's context (lookups the service made) → the value.
Parse = Callable[[str, Any], Any]


class _Parse:
    """Marks a column whose empty cell goes to ``parse`` too (to say "required" or what it means)."""


PARSE_BLANK: Any = _Parse()


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str  # Chinese: the county's spreadsheets are Chinese, whatever the reader's language
    help: str = ""  # Chinese instructions, on the template's instructions sheet
    required: bool = False  # the header must be there (and the template says 必填)
    choices: tuple[str, ...] = ()  # codes; the template's drop-down shows their Chinese labels
    example: str = ""
    parse: Parse | None = None  # None: the stripped text as it is
    blank: Any = PARSE_BLANK  # an empty cell's value; PARSE_BLANK hands the empty text to ``parse``
    show: Callable[[dict[str, Any]], object] | None = None  # the export's cell from a row; None: row[key]
    zoned: bool = False  # a time in China time: the export's header says so; an import reads either header
    read: bool = True  # decoded by an import (an export-only column such as 编号 or 状态 is not)
    width: int | None = None  # the template's column width; None: from the header and example

    def cell(self, row: dict[str, Any]) -> object:
        return self.show(row) if self.show is not None else row[self.key]

    def text(self, raw: dict[str, str]) -> str:
        text = raw.get(self.header) or (raw.get(clock.zoned(self.header)) if self.zoned else None) or ""
        return text.strip()


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    title: str  # the data sheet's title
    columns: tuple[Column, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)  # extra lines of the template's instructions

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.header for c in self.columns if c.required]

    @property
    def labels(self) -> dict[str, str]:
        """key → header: where an error about a field of the API's Struct is shown."""
        return {c.key: c.header for c in self.columns}

    def column(self, key: str) -> str:
        return next(c.header for c in self.columns if c.key == key)

    # -- export -------------------------------------------------------------------------------------
    def export(self, rows: Iterable[dict[str, Any]]) -> bytes:
        """The rows as XLSX: one line each, time columns' headers noting China time."""
        headers = [clock.zoned(c.header) if c.zoned else c.header for c in self.columns]
        return write_xlsx(headers, ([c.cell(r) for c in self.columns] for r in rows), title=self.title)

    def example(self, rows: Sequence[Sequence[object]]) -> bytes:
        """A simple template: the headers and example rows on one sheet."""
        return write_xlsx(self.headers, rows, title=self.title)

    # -- import -------------------------------------------------------------------------------------
    async def read(self, filename: str, content: bytes) -> list[tuple[int, dict[str, str]]]:
        """The file's rows (off the event loop), after checking the required headers are there."""
        table = await read_rows(filename, content)
        if table:
            check_headers(table[0][1].keys(), self.required)
        return table

    def decode(
        self, table: Iterable[tuple[int, dict[str, str]]], context: Any = None, errors: list[RowError] | None = None
    ) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError]]:
        """Every row as (row number, {key: value}) and every problem found; a bad cell's value is None."""
        errors = [] if errors is None else errors
        out = []
        for number, raw in table:
            values: dict[str, Any] = {}
            for col in self.columns:
                if not col.read:
                    continue
                text = col.text(raw)
                if not text and col.blank is not PARSE_BLANK:
                    values[col.key] = col.blank
                    continue
                try:
                    values[col.key] = col.parse(text, context) if col.parse is not None else text
                except CellError as exc:
                    values[col.key] = None
                    errors += [RowError(number, col.header, reason, params) for reason, params in exc.problems]
            out.append((number, values))
        return out, errors

    def bodies(
        self,
        rows: Iterable[tuple[int, dict[str, Any]]],
        struct: type[S],
        errors: list[RowError],
        extra: dict[str, Any] | None = None,
    ) -> list[S]:
        """Rows not already refused, checked as the API's own request Struct (lengths, dates, NUL): an
        import accepts exactly what the API accepts; a refusal is one more RowError under its header."""
        bad = {e.row for e in errors}
        bodies = [
            row_body(n, {**(extra or {}), **values}, struct, self.labels, errors) for n, values in rows if n not in bad
        ]
        return [b for b in bodies if b is not None]  # a None left its RowError behind

    # -- template ------------------------------------------------------------------------------------
    def template(self) -> bytes:
        """The .xlsx template: the data sheet (headers and drop-downs, no rows: an example left in would be
        imported) and an instructions sheet with an example per column."""
        book = Workbook()
        data = book.active
        data.title = self.title
        data.append(self.headers)
        for cell in data[1]:
            cell.font = Font(bold=True)
        for i, col in enumerate(self.columns):
            letter = data.cell(row=1, column=i + 1).column_letter
            data.column_dimensions[letter].width = col.width or max(12, len(col.header) * 3, len(col.example) * 2 + 2)
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
        for col in self.columns:
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
        for note in self.notes:
            guide.append([note])
        for letter, width in (("A", 14), ("B", 10), ("C", 60), ("D", 60), ("E", 20)):
            guide.column_dimensions[letter].width = width
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def importing_for(
    principal: Principal,
    named: int | None,
    mine: Iterable[int],
    roles: frozenset[str],
    *,
    field: str,
    say: str,
    refused: str,
) -> int:
    """The organisation an import writes into: the one ``named``, or the caller's only one of ``mine``;
    ``Forbidden(refused)`` unless the caller acts for it in ``roles``, ``Invalid(say)`` naming ``field``
    when they have several and named none."""
    mine = sorted(mine)
    if not mine:
        raise Forbidden(refused)
    if named is None:
        if len(mine) != 1:
            raise Invalid(say, {field: "required"})
        named = mine[0]
    if not principal.acts_for(named, roles):
        raise Forbidden(refused)
    return named


def reject(errors: list[RowError]) -> None:
    """All or nothing: any problem and the import stops here, every problem listed by row and column."""
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.row, e.column)))


def label(code: str) -> str:
    """A code's Chinese label from the catalogs (the same words the pages use)."""
    return gettext(code, "zh_CN")


def code_of(cell: str, codes: list[str]) -> str | None:
    """The code a cell names, by code or by its Chinese label; None when it names none."""
    text = cell.strip()
    if text in codes:
        return text
    return next((c for c in codes if label(c) == text), None)


# -- cell parsers: each returns a ``Parse`` -----------------------------------------------------------


def _problem(reason: str, params: dict[str, Any]) -> CellError:
    # a reason without placeholders is a plain msgid (translated as a field message), as before
    return CellError(reason, params if "{" in reason else None)


def text(*, required: bool = False, max_length: int | None = None) -> Parse:
    def parse(value: str, _: Any) -> str:
        if required and not value:
            raise CellError("required")
        if max_length is not None and len(value) > max_length:
            raise CellError(f"at most {max_length} characters")
        return value

    return parse


def whole(low: int, high: int | None = None, reason: str = "must be a whole number from {low} to {high}") -> Parse:
    """A whole number in [low, high]; "3.0" reads as 3 (spreadsheets store numbers as floats)."""

    def parse(value: str, _: Any) -> int:
        try:
            number = float(value)
            if number != int(number) or number < low or (high is not None and number > high):
                raise ValueError
            return int(number)
        except (ValueError, OverflowError):  # "abc", "inf", "1e400"
            raise _problem(reason, {"low": low, "high": high}) from None

    return parse


def number(low: float, high: float, reason: str, *, above_low: bool = False) -> Parse:
    """A number in [low, high] (or (low, high] with ``above_low``)."""

    def parse(value: str, _: Any) -> float:
        try:
            result = float(value)
        except ValueError:
            raise _problem(reason, {"low": low, "high": high}) from None
        if not (low < result if above_low else low <= result) or not result <= high:
            raise _problem(reason, {"low": low, "high": high})
        return result

    return parse


def lookup(find: Callable[[str], Any], reason: str) -> Parse:
    """The value ``find`` gives for the cell's text; None from ``find`` is ``reason`` with {value}."""

    def parse(value: str, _: Any) -> Any:
        found = find(value)
        if found is None:
            raise _problem(reason, {"value": value})
        return found

    return parse


def yes_or_no(value: str, _: Any) -> bool:
    answer = yes_no(value)
    if answer is None:
        raise CellError("must be 是 or 否")
    return answer


def listed(find: Callable[[str], Any], reason: str) -> Parse:
    """A list written "a、b、c" (or with commas): each item through ``find``; every unknown one reported."""

    def parse(value: str, _: Any) -> list[Any]:
        found, problems = [], []
        for item in split_list(value):
            code = find(item)
            if code is None:
                problems.append((reason, {"value": item}))
            else:
                found.append(code)
        if problems:
            raise CellError.of(problems)
        return found

    return parse


def items(value: str, _: Any) -> list[str]:
    """A free list written "a、b、c" (or with commas)."""
    return split_list(value)


def local_time(value: str, _: Any) -> Any:
    """A time typed in China time, as the exports write it."""
    when = clock.parse_local(value, TIME_FORMATS)
    if when is None:
        raise CellError("must be a time like 2026-12-01 09:00")
    return when


def china_time(key: str, header: str, *, read: bool = True) -> Column:
    """A time column: written and read in China time (the header says so), blank for none."""
    return Column(
        key,
        header,
        blank=None,
        parse=local_time,
        zoned=True,
        read=read,
        show=lambda r: clock.local(r[key], "%Y-%m-%d %H:%M"),
    )
