"""Reporting periods: ``2026`` (a year), ``2026-Q4`` (a quarter) or ``2026-11`` (a month), in China time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from jinlin.core import clock
from jinlin.core.errors import Invalid

CHINA = timezone(timedelta(hours=8))
_PATTERN = re.compile(r"^(\d{4})(?:-(Q[1-4]|\d{2}))?$")


@dataclass(frozen=True, slots=True)
class Period:
    label: str
    start: datetime
    end: datetime  # exclusive

    def contains(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end


def _month_start(year: int, month: int) -> datetime:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return datetime(year, month, 1, tzinfo=CHINA)


def parse_period(text: str | None) -> Period:
    """Parse a period; empty means the current month."""
    if not text:
        now = clock.now().astimezone(CHINA)
        text = f"{now.year}-{now.month:02d}"
    match = _PATTERN.match(text.strip())
    if not match:
        raise Invalid("Bad period", {"period": "use YYYY, YYYY-Qn or YYYY-MM"})
    year = int(match.group(1))
    if not 2000 <= year <= 2098:  # the same sane range as every stored date (core.schemas)
        raise Invalid("Bad period", {"period": "year must be between 2000 and 2098"})
    part = match.group(2)
    if part is None:
        return Period(text, _month_start(year, 1), _month_start(year + 1, 1))
    if part.startswith("Q"):
        q = int(part[1])
        return Period(text, _month_start(year, 3 * q - 2), _month_start(year, 3 * q + 1))
    month = int(part)
    if not 1 <= month <= 12:
        raise Invalid("Bad period", {"period": "month must be 01-12"})
    return Period(text, _month_start(year, month), _month_start(year, month + 1))
