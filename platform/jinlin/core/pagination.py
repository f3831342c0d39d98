"""Lists per API.md: ``?limit=`` (default 50, max 200), ``?cursor=`` or ``?offset=``; answers
``{"items", "next_cursor", "total"}``. The cursor is an opaque encoding of the next offset."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import msgspec

from jinlin.core.errors import Invalid

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class Page(msgspec.Struct, Generic[T]):
    items: list[T]
    next_cursor: str | None
    total: int


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int = DEFAULT_LIMIT
    offset: int = 0

    def page(self, items: list[Any], total: int) -> Page[Any]:
        next_offset = self.offset + len(items)
        return Page(items=items, next_cursor=encode_cursor(next_offset) if next_offset < total else None, total=total)

    def page_of(self, items: list[Any]) -> Page[Any]:
        """One page of a list already in hand (filtered in Python for scope)."""
        return self.page(items[self.offset : self.offset + self.limit], len(items))


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, value = raw.split(":", 1)
        offset = int(value)
        if kind != "o" or offset < 0:
            raise ValueError
        return offset
    except (ValueError, UnicodeDecodeError) as exc:
        raise Invalid("Malformed cursor", {"cursor": "not a cursor from a previous page"}) from exc


def page_request(limit: int | None = None, cursor: str | None = None, offset: int | None = None) -> PageRequest:
    if limit is None:
        limit = DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid("Bad limit", {"limit": f"must be between 1 and {MAX_LIMIT}"})
    if cursor:
        return PageRequest(limit=limit, offset=decode_cursor(cursor))
    if offset is not None and offset < 0:
        raise Invalid("Bad offset", {"offset": "must not be negative"})
    return PageRequest(limit=limit, offset=offset or 0)


async def fetch_filtered(
    query: Any, table: Any, where: list[Any], paging: PageRequest | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Apply the same filters to a select and to its count; one page of rows (all without ``paging``).

    ``total`` stays exact (API.md); the ``COUNT(*)`` only runs when the page can't tell it (``total_of``)."""
    count = table.count()
    for clause in where:
        query = query.where(clause)
        count = count.where(clause)
    if paging is None:
        return await query, await count
    rows = await query.limit(paging.limit).offset(paging.offset)
    return rows, await total_of(paging, rows, count)


async def total_of(paging: PageRequest, rows: list[Any], count: Any) -> int:
    """The list's total for a page of ``rows``: awaits ``count`` (a count query, not yet run) only when the
    page alone can't tell (a page shorter than ``limit``, not empty past the end, ends the list)."""
    if len(rows) < paging.limit and (rows or paging.offset == 0):
        return paging.offset + len(rows)
    return await count
