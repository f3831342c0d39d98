"""The base of every request body: values no field may hold, checked once for all of them.

msgspec checks types and ``Meta`` bounds; what it cannot say in a type is checked here, after decoding,
for every body (API JSON and page forms alike): date-times must carry an offset and fall in a sane range,
ids must fit a 64-bit integer, and no text may hold a NUL character (PostgreSQL refuses it, exports break).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec

from jinlin.core.errors import Invalid

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
MAX_ID = 2**63 - 1


def value_problem(name: str, value: Any) -> str | None:
    """Why ``value`` of field ``name`` cannot be stored, or None."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return "must include a time-zone offset"
        if not EARLIEST <= value < LATEST:
            return "must be between 2000 and 2099"
    elif isinstance(value, str):
        if "\x00" in value:
            return "must not contain NUL characters"
    elif isinstance(value, bool):
        return None
    elif isinstance(value, int):
        if name == "id" or name.endswith("_id") or name.endswith("_ids"):
            if not 1 <= value <= MAX_ID:
                return "no such id"
        elif not -MAX_ID <= value <= MAX_ID:
            return "out of range"
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "must be a finite number"
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            if (problem := value_problem(name, item)) is not None:
                return problem
    elif isinstance(value, dict):
        for key, item in value.items():
            if (problem := value_problem(str(key), item) or value_problem(name, key)) is not None:
                return problem
    return None


class Body(msgspec.Struct, forbid_unknown_fields=True):
    """Inherit request bodies from this instead of ``msgspec.Struct``."""

    def __post_init__(self) -> None:
        fields = {}
        for name in self.__struct_fields__:
            problem = value_problem(name, getattr(self, name))
            if problem is not None:
                fields[name] = problem
        if fields:
            raise Invalid("Check the highlighted fields", fields)
