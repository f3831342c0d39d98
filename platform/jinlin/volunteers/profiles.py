"""A volunteer's profile as other features read it (free time, preferred areas): activities and the
roster use these without depending on the volunteers' service (which depends on activities)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from jinlin.core.clock import LOCAL_TZ
from jinlin.volunteers.tables import VolunteerProfile

LOCAL = LOCAL_TZ


async def profile_row(account_id: int) -> dict[str, Any] | None:
    return await VolunteerProfile.select().where(VolunteerProfile.account == account_id).first().output(load_json=True)


# -- free time -------------------------------------------------------------------------------


def _hhmm(text: str) -> time:
    return time(23, 59, 59) if text == "24:00" else time.fromisoformat(text)


def shift_in_free_time(profile: dict[str, Any], start: datetime, end: datetime) -> bool:
    """Whether [start, end) lies inside one of the volunteer's weekly free periods (local time).
    A volunteer who gave no free time is taken to be free whenever."""
    periods = profile.get("availability") or []
    if not periods:
        return True
    s, e = start.astimezone(LOCAL), end.astimezone(LOCAL)
    if s.date() != e.date() and e.time() != time(0):
        return False
    for p in periods:
        if (
            p["weekday"] == s.weekday()
            and _hhmm(p["start"]) <= s.time()
            and ((e.time() == time(0) and p["end"] == "24:00") or e.time() <= _hhmm(p["end"]))
        ):
            return True
    return False


def free_windows(
    profile: dict[str, Any] | None, since: datetime, until: datetime
) -> list[tuple[datetime, datetime]] | None:
    """The weekly free periods laid out as absolute windows between ``since`` and ``until`` (roster)."""
    if profile is None or not profile.get("availability"):
        return None
    out = []
    day = since.astimezone(LOCAL).date()
    last = until.astimezone(LOCAL).date()
    while day <= last:
        for p in profile["availability"]:
            if p["weekday"] == day.weekday():
                ws = datetime.combine(day, _hhmm(p["start"]), LOCAL)
                we = (
                    datetime.combine(day, time(0), LOCAL) + timedelta(days=1)
                    if p["end"] == "24:00"
                    else datetime.combine(day, _hhmm(p["end"]), LOCAL)
                )
                if we > ws:
                    out.append((ws.astimezone(UTC), we.astimezone(UTC)))
        day += timedelta(days=1)
    return out
