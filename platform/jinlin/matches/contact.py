"""After acceptance, each side sees who to call on the other side, and the match's dated timeline."""

from __future__ import annotations

from typing import Any

from jinlin.auth.principal import Principal
from jinlin.matches.service import get_visible_row, sides_of
from jinlin.orgs.tables import Organization

SHOWN_FROM = ("accepted", "in_progress", "completed")  # before acceptance nobody's phone is handed out


async def counterparts(principal: Principal, match_id: int) -> list[dict[str, Any]]:
    """The other side's organisation, contact person and phone, for a member of one side of an accepted match."""
    row = await get_visible_row(principal, match_id)
    mine = sides_of(principal, row)
    if row["status"] not in SHOWN_FROM or not mine:
        return []
    wanted = {"community": row["community_id"], "provider": row["provider_id"]}
    others = [(side, org_id) for side, org_id in wanted.items() if side not in mine]
    if not others:
        return []
    orgs = {
        o["id"]: o
        for o in await Organization.select(
            Organization.id, Organization.name, Organization.contact_name, Organization.contact_phone
        ).where(Organization.id.is_in([org_id for _, org_id in others]))
    }
    return [
        {
            "side": side,
            "name": orgs[org_id]["name"],
            "contact_name": orgs[org_id]["contact_name"],
            "contact_phone": orgs[org_id]["contact_phone"],
        }
        for side, org_id in others
        if org_id in orgs
    ]


def timeline(match: Any) -> list[tuple[str, Any]]:
    """(msgid, time) of each step that happened, in order."""
    steps = [
        ("Proposed", match.created_at),
        ("Accepted by the community", match.community_accepted_at),
        ("Accepted by the provider", match.provider_accepted_at),
        ("Work started", match.started_at),
        ("Completed", match.completed_at),
        ("Match ended", match.ended_at),
    ]
    return sorted(((label, at) for label, at in steps if at is not None), key=lambda s: s[1])
