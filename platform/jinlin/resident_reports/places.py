"""Where a report can be filed (the cascading choice when the link names a community or street) and who
can be handed one (the grid's posts and the community's staff)."""

from __future__ import annotations

from typing import Any

from jinlin.accounts.tables import Account, Membership
from jinlin.areas.tables import Area
from jinlin.auth.principal import COMMUNITY_ROLES
from jinlin.core.errors import NotFound
from jinlin.posts.holders import grid_worker_accounts
from jinlin.resident_reports.access import storable
from jinlin.resident_reports.filing import REPORTABLE_LEVELS
from jinlin.resident_reports.schemas import ReportOut

MAX_CHOICES = 500


async def _names_on_path(path: str) -> dict[int, str]:
    ids = [int(p) for p in path.strip("/").split("/") if p]
    return {r["id"]: r["name"] for r in await Area.select(Area.id, Area.name).where(Area.id.is_in(ids or [0]))}


async def place_for_form(area_id: int) -> dict[str, Any]:
    """The area of the link, its readable path, and (above grid level) the places under it to choose from."""
    area = await Area.select().where(Area.id == area_id).first() if storable(area_id) else None
    if area is None:
        raise NotFound("Area not found")
    names = await _names_on_path(area["path"])
    ids = [int(p) for p in area["path"].strip("/").split("/") if p]
    label = " › ".join(names[i] for i in ids[1:] if i in names)  # the county is implied
    choices: list[tuple[int, str]] = []
    if area["level"] not in REPORTABLE_LEVELS:
        rows = (
            await Area.select(Area.id, Area.name, Area.path)
            .where(Area.path.like(f"{area['path']}%") & Area.level.is_in(list(REPORTABLE_LEVELS)))
            .order_by(Area.path)
            .limit(MAX_CHOICES)
        )
        below = await Area.select(Area.id, Area.name).where(Area.path.like(f"{area['path']}%")).limit(5000)
        all_names = {r["id"]: r["name"] for r in below}
        start = len(ids)
        for r in rows:
            parts = [int(p) for p in r["path"].strip("/").split("/") if p][start:]
            choices.append((r["id"], " › ".join(all_names.get(i, "") for i in parts)))
    return {"area": area, "label": label, "choices": choices, "reportable": area["level"] in REPORTABLE_LEVELS}


async def handlers_of(report: ReportOut) -> list[tuple[int, str]]:
    ids = set(await grid_worker_accounts(report.grid_id)) if report.grid_id else set()
    if report.community_id:
        rows = await Membership.select(Membership.account).where(
            (Membership.organization == report.community_id) & Membership.role.is_in(sorted(COMMUNITY_ROLES))
        )
        ids.update(r["account"] for r in rows)
    if not ids:
        return []
    rows = (
        await Account.select(Account.id, Account.display_name)
        .where(Account.id.is_in(sorted(ids)))
        .order_by(Account.display_name)
    )
    return [(r["id"], r["display_name"]) for r in rows]
