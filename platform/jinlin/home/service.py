"""What a role's home page shows. Other features add panels through ``PANELS`` in their pages module."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jinlin.areas.tables import Area
from jinlin.auth.principal import MembershipInfo, Principal
from jinlin.core import workbench
from jinlin.orgs.tables import Organization


@dataclass
class Home:
    kind: str  # "area" (county/street staff), "community", "unit", "volunteer", "none"
    membership: MembershipInfo | None
    area: dict[str, Any] | None = None
    children: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    organization: dict[str, Any] | None = None
    todo: list[tuple[str, list[workbench.WorkItem]]] = field(default_factory=list)  # 今日待办 by group


def grouped(items: list[workbench.WorkItem]) -> list[tuple[str, list[workbench.WorkItem]]]:
    """Groups in the order of their most pressing item (items come sorted by priority, then deadline)."""
    groups: dict[str, list[workbench.WorkItem]] = {}
    for item in items:
        groups.setdefault(item.group, []).append(item)
    return list(groups.items())


async def home_for(principal: Principal) -> Home:
    m = principal.primary
    if m is None:
        # A self-registered volunteer has no membership until a team accepts them.
        from jinlin.volunteers.tables import VolunteerProfile

        if await VolunteerProfile.exists().where(VolunteerProfile.account == principal.account_id):
            return Home(kind="volunteer", membership=None, todo=grouped(await workbench.collect(principal)))
        return Home(kind="none", membership=None)
    area = await Area.select().where(Area.id == m.area_id).first()
    children = await Area.select().where(Area.parent == m.area_id).order_by(Area.name)
    org = await Organization.select().where(Organization.id == m.organization_id).first()
    if m.role in ("county_admin", "street_admin"):
        kind = "area"
    elif m.role in ("community_admin", "community_staff", "grid_worker"):
        kind = "community"
    elif m.role == "volunteer":
        kind = "volunteer"
    else:
        kind = "unit"
    counts: dict[str, int] = {}
    if area is not None and kind in ("area", "community"):
        counts["areas"] = await Area.count().where(Area.path.like(f"{area['path']}%"))
        counts["organizations"] = await Organization.count().where(Organization.area.path.like(f"{area['path']}%"))
    return Home(
        kind=kind,
        membership=m,
        area=area,
        children=children,
        counts=counts,
        organization=org,
        todo=grouped(await workbench.collect(principal)),
    )
