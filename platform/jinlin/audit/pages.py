"""The audit log page (county admins): actor, time, object and changed fields."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from jinlin.audit import ledger, service
from jinlin.auth.principal import Principal
from jinlin.core.nav import NavItem
from jinlin.core.pages import render
from jinlin.core.pagination import PageRequest


@get("/audit", include_in_schema=False)
async def audit_log(
    principal: NamedDependency[Principal],
    paging: NamedDependency[PageRequest],
    object_type: FromQuery[str | None] = None,
    object_id: FromQuery[int | None] = None,
    actor_id: FromQuery[int | None] = None,
    action: FromQuery[str | None] = None,
) -> Template:
    page = await service.list_events(
        principal,
        paging,
        object_type=object_type or None,
        object_id=object_id,
        actor_id=actor_id,
        action=action or None,
    )
    params = {"object_type": object_type, "object_id": object_id, "actor_id": actor_id, "action": action}
    base = "/audit?" + "&".join(f"{k}={v}" for k, v in params.items() if v)
    kinds = await service.recorded_kinds()
    return render(
        "audit/list.html",
        principal,
        page=page,
        filters={k: v or "" for k, v in params.items()},
        base=base,
        ledger=ledger,
        object_choices=[(t, ledger.object_label(t)) for t in kinds["object_types"]],
        action_choices=[(a, ledger.action_label(a)) for a in kinds["actions"]],
    )


ROUTES = [audit_log]
NAV = [NavItem("Audit log", "/audit", frozenset({"county_admin"}), order=90)]
