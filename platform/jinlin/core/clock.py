"""The current time, injectable so deadlines, rating windows and reminders can be tested."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

_now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    return _now()


def set_clock(fn: Callable[[], datetime] | None) -> None:
    """Replace the clock (tests); ``None`` restores the real one."""
    global _now
    _now = fn if fn is not None else (lambda: datetime.now(UTC))


# The county's clock on the wall: stored times are UTC, people read China time.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")


# What spreadsheet headers add to a time column, so nobody reads China time as UTC (or the reverse).
ZONE_NOTE = "（北京时间）"


def zoned(header: str) -> str:
    """A spreadsheet header for a time column: "响应时限（北京时间）"."""
    return f"{header}{ZONE_NOTE}"


def parse_local(text: str, formats: tuple[str, ...]) -> datetime | None:
    """A time typed in a spreadsheet, read as China time; None when no format fits."""
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=LOCAL_TZ)
        except ValueError:
            continue
    return None


def local(value: datetime | None, fmt: str = "%m-%d %H:%M") -> str:
    """A stored time as people read it (a template filter, ``{{ t | local("%Y-%m-%d") }}``).

    Robust to what old rows may hold: a naive time is taken as UTC, and one at the edge of the calendar
    (9999-12-31) is shown as stored rather than breaking the page."""
    if not value:
        return ""
    if not isinstance(value, datetime):
        return str(value)
    try:
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(LOCAL_TZ).strftime(fmt)
    except (OverflowError, ValueError):
        return value.strftime(fmt)
