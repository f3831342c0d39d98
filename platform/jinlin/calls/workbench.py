"""今日待办 from calls: calls my unit has not answered yet, and pledges to my calls still to turn into matches."""

from __future__ import annotations

from jinlin.auth.principal import Principal
from jinlin.calls import service
from jinlin.calls.tables import Call, CallResponse
from jinlin.core.i18n import translate
from jinlin.core.workbench import WorkItem

SHOWN = 20


async def items(principal: Principal) -> list[WorkItem]:
    out: list[WorkItem] = []
    units = await service._unit_orgs(principal)
    if units:
        calls = [
            c
            for c in await service._select().where(Call.status == "open").order_by(Call.id)
            if any(service._is_called(c, u) for u in units)
        ]
        answered = {
            r["call_id"]
            for r in await CallResponse.select(CallResponse.call_id).where(
                CallResponse.organization_id.is_in([u["id"] for u in units])
                & CallResponse.call_id.is_in([c["id"] for c in calls] or [0])
            )
        }
        out += [
            WorkItem(
                group="Calls to answer",
                title=c["title"],
                href=f"/calls/{c['id']}",
                due_at=c["respond_by"],
                priority=15,
                detail=f"{c['issuer_name']} · {c['quantity']} {c['unit']}",
            )
            for c in calls
            if c["id"] not in answered
        ][:SHOWN]
    issuer_calls = [
        c
        for c in await service._select().where(Call.status == "open")
        if service._issuer_side(principal, c) and principal.acts_for(c["issuer_id"])
    ]
    if issuer_calls:
        titles = {c["id"]: c["title"] for c in issuer_calls}
        pledges = (
            await CallResponse.select(*CallResponse.all_columns(), CallResponse.organization_id.name)
            .where(CallResponse.call_id.is_in(list(titles)) & (CallResponse.status == "pledged"))
            .order_by(CallResponse.id)
        )
        out += [
            WorkItem(
                group="Pledges to turn into matches",
                title=titles[p["call_id"]],
                href=f"/calls/{p['call_id']}",
                priority=25,
                detail=translate(
                    "{unit} pledged {n}", unit=p["organization_id.name"], n=p["quantity"] - p["quantity_matched"]
                ),
            )
            for p in pledges
            if p["quantity"] > p["quantity_matched"]
        ][:SHOWN]
    return out
