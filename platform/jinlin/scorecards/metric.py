"""What a scorecard metric is (see jinlin.scorecards.registry): apart from the registry, so the built-in
metrics and the features' ``scorecard`` modules can declare theirs without importing the registry that loads them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

Compute = Callable[[list[dict[str, Any]], datetime, datetime], Awaitable[dict[int, float | None]]]


@dataclass(frozen=True, slots=True)
class Metric:
    key: str
    label: str  # an English msgid
    compute: Compute  # (areas with id/path/level, start, end) -> {area id: 0-1 or None}
    levels: frozenset[str] = frozenset({"street", "community", "grid"})
    default_weight: float = 1.0
