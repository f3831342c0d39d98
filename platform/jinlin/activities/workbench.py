"""今日待办 from activities: shifts that have ended with hours still to verify, for their organisers."""

from __future__ import annotations

from jinlin.activities.service import ORGANISER_ROLES
from jinlin.activities.tables import Signup
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.i18n import translate
from jinlin.core.workbench import WorkItem


async def items(principal: Principal) -> list[WorkItem]:
    orgs = list(principal.org_ids(ORGANISER_ROLES))
    if not orgs:
        return []
    rows = (
        await Signup.select(Signup.shift, Signup.shift.activity.title, Signup.shift.ends_at)
        .where(
            Signup.shift.activity.organizer.is_in(orgs)
            & (Signup.shift.ends_at < clock.now())
            & Signup.verified_at.is_null()
            & Signup.status.is_in(["checked_in", "completed"])
        )
        .limit(500)
    )
    shifts: dict[int, dict] = {}
    for r in rows:
        s = shifts.setdefault(r["shift"], {"title": r["shift.activity.title"], "ends_at": r["shift.ends_at"], "n": 0})
        s["n"] += 1
    return [
        WorkItem(
            group="Shifts to verify",
            title=s["title"],
            href=f"/shifts/{shift_id}/manage",
            priority=45,
            detail=translate("{n} people's hours to verify", n=s["n"]),
        )
        for shift_id, s in sorted(shifts.items(), key=lambda kv: kv[1]["ends_at"])[:20]
    ]
