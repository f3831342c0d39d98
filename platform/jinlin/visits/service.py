"""走访: the visit list of a grid worker or party member, and recording a visit (with a follow-up need).

A follow-up that becomes a need copies only what the need requires: a title the visitor writes, a category,
the grid as the place and the household's focus groups as beneficiary groups. The title is checked against
the household's residents so no name, phone or ID number slips into the shared needs list.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from piccolo.columns.combination import Or

from jinlin.audit.service import record
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.crypto import keyring
from jinlin.core.db import write_transaction
from jinlin.core.errors import Conflict, Forbidden, Invalid, NotFound
from jinlin.households import access
from jinlin.households.privacy import refuse_personal_data
from jinlin.households.service import household_groups
from jinlin.households.tables import Household
from jinlin.visits.due import due_items, local_date
from jinlin.visits.schemas import DueItem, FollowUpReport, VisitIn, VisitOut
from jinlin.visits.tables import Visit

DUE_WITHIN_DAYS = 3  # the list shows what is due in the next three days, and everything overdue


async def _households_to_visit(principal: Principal) -> list[dict[str, Any]]:
    """Households on the principal's visit duty: the grids of its posts, the community it administers, and the
    households assigned to it as a party member (党员联户)."""
    scope = await access.scope_of(principal)
    clauses: list[Any] = [Household.party_member == principal.account_id]
    clauses += [Household.grid.path.like(f"{p}%") for p in scope.post_paths]
    if scope.admin_community_ids:
        clauses.append(Household.community.is_in(sorted(scope.admin_community_ids)))
    clause = clauses[0]
    for other in clauses[1:]:
        clause = Or(clause, other)
    return await access.household_select().where(clause & (Household.status == "active"))


async def visit_list(
    principal: Principal,
    within_days: int = DUE_WITHIN_DAYS,
    grid_id: int | None = None,
) -> list[DueItem]:
    """Households due within ``within_days`` or overdue: grid by grid, the nearest due date first."""
    now = clock.now()
    horizon = local_date(now) + timedelta(days=within_days)
    households = [h for h in await _households_to_visit(principal) if grid_id is None or h["grid"] == grid_id]
    items = [i for i in await due_items(households, now) if i.due_on <= horizon]
    return sorted(items, key=lambda i: (i.grid_name, i.due_on, i.building, i.door))


async def visitable_household(principal: Principal, household_id: int) -> dict[str, Any]:
    row = await access.household_select().where(Household.id == household_id).first()
    if row is None:
        raise NotFound("Household not found")
    if row["party_member"] == principal.account_id:
        return row
    scope = await access.scope_of(principal)
    if scope.basis(row) is None:
        raise NotFound("Household not found")
    if not scope.can_write(row):
        raise Forbidden("Only the grid's posts, the community's admins and the household's party member record visits")
    return row


def visit_out(row: dict[str, Any]) -> VisitOut:
    ring = keyring()
    return VisitOut(
        id=row["id"],
        household_id=row["household"],
        visited_on=row["visited_on"],
        visitor_id=row["visitor"],
        method=row["method"],
        findings=ring.decrypt(row["findings_enc"]),
        follow_up=ring.decrypt(row["follow_up_enc"]),
        need_id=row["need"],
        created_at=row["created_at"],
        report_id=row["report"],
        report_code=row.get("report.code"),
        report_status=row.get("report.status"),
    )


def _visit_select():
    return Visit.select(*Visit.all_columns(), Visit.report.code, Visit.report.status)


async def record_visit(principal: Principal, data: VisitIn) -> VisitOut:
    household = await visitable_household(principal, data.household_id)
    if household["status"] != "active":
        raise Invalid("The household has moved out", {"household_id": "moved out"})
    today = local_date(clock.now())
    visited_on = data.visited_on or today
    if visited_on > today:
        raise Invalid("A visit cannot be in the future", {"visited_on": "must not be in the future"})
    if data.need is not None:
        await refuse_personal_data(data.need.title, household_id=data.household_id)
    ring = keyring()
    async with write_transaction():
        need_id = None
        if data.need is not None:
            from jinlin.needs.schemas import NeedIn
            from jinlin.needs.service import create_need

            groups = (await household_groups([data.household_id]))[data.household_id]
            need = await create_need(
                principal,
                NeedIn(
                    community_id=household["community"],
                    area_id=household["grid"],
                    title=data.need.title.strip(),
                    category=data.need.category,
                    quantity=1,
                    unit="",
                    beneficiary_groups=list(groups),
                    publish=True,
                ),
            )
            need_id = need.id
        row = Visit(
            household=data.household_id,
            grid=household["grid"],
            visited_on=visited_on,
            visitor=principal.account_id,
            method=data.method,
            findings_enc=ring.encrypt(data.findings.strip()),
            follow_up_enc=ring.encrypt(data.follow_up.strip()),
            need=need_id,
            created_at=clock.now(),
        )
        await row.save()
        await record(
            principal,
            "create",
            "visit",
            row.id,
            {"household_id": data.household_id, "method": data.method, "need_id": need_id},
        )
    stored = await _visit_select().where(Visit.id == row.id).first()
    assert stored is not None  # written just above
    return visit_out(stored)


async def visits_of(principal: Principal, household_id: int) -> list[VisitOut]:
    """A household's visits, newest first, for those who may read its record (audited like a view)."""
    _, _, (basis, why) = await access.readable_household(principal, household_id)
    rows = (
        await _visit_select()
        .where(Visit.household == household_id)
        .order_by(Visit.visited_on, ascending=False)
        .order_by(Visit.id, ascending=False)
    )
    async with write_transaction():
        await access.log_access(principal, "visits", basis, why, household_id=household_id, count=len(rows))
    return [visit_out(r) for r in rows]


async def _reportable_visit(
    principal: Principal, visit_id: int
) -> tuple[dict[str, Any], dict[str, Any], tuple[str, str] | None]:
    """The visit, its household and the basis on which the caller may read the household (None for a
    visitor who no longer may: they read their own words), for the visitor or those who keep the household's
    records (its grid's posts, the community's admins); others get 404 (the visit is not said to exist), or
    403 when a grant lets them read it: a grant reads, it doesn't act (docs/households.md)."""
    from jinlin.resident_reports.access import storable

    visit = await Visit.select().where(Visit.id == visit_id).first() if storable(visit_id) else None
    if visit is None:
        raise NotFound("Visit not found")
    try:
        household, scope, basis = await access.readable_household(principal, visit["household"])
    except NotFound:
        if visit["visitor"] != principal.account_id:
            raise NotFound("Visit not found") from None
        household = await access.household_select().where(Household.id == visit["household"]).first()
        assert household is not None  # a visit's household is never deleted (moving out keeps the row)
        return visit, household, None
    if visit["visitor"] != principal.account_id and not scope.can_write(household):
        raise Forbidden("Only the visitor, the grid's posts and the community's admins file a visit's follow-up")
    return visit, household, basis


async def _log_visit_read(principal: Principal, visit: dict[str, Any], basis: tuple[str, str] | None) -> None:
    """The visit's follow-up is sealed like the record: reading it is audited like the visit history."""
    if basis is not None:
        await access.log_access(principal, "visits", basis[0], basis[1], household_id=visit["household"])


async def follow_up_to_report(principal: Principal, visit_id: int, data: FollowUpReport) -> VisitOut:
    """Turn a visit's follow-up into a resident report (source ``visit``) on the household's grid or a building
    in it, in one transaction; the visit then shows the report's code and status."""
    from jinlin.resident_reports.filing import file_from_visit

    visit, household, basis = await _reportable_visit(principal, visit_id)
    if visit["report"] is not None:
        raise Conflict("This visit's follow-up is already a report", {"visit_id": "already a report"})
    try:
        await refuse_personal_data(data.description, household_id=visit["household"], field="description")
    except Invalid:
        raise Invalid(
            "A report is seen by the grid and those above: leave out names, phone and ID numbers",
            {"description": "must not contain residents' names, phones or ID numbers"},
        ) from None
    grid_path = household["grid.path"]
    async with write_transaction():
        filed = await file_from_visit(
            principal,
            area_id=data.area_id if data.area_id is not None else household["grid"],
            grid_path=grid_path,
            category=data.category,
            description=data.description,
            accept=data.accept,
        )
        done = (
            await Visit.update({Visit.report: filed["id"]})
            .where((Visit.id == visit_id) & Visit.report.is_null())
            .returning(Visit.id)
        )
        if not done:
            raise Conflict("This visit's follow-up is already a report", {"visit_id": "already a report"})
        await record(principal, "make_report", "visit", visit_id, {"report_id": filed["id"]})
        await _log_visit_read(principal, visit, basis)  # the answer shows the visit's findings
    stored = await _visit_select().where(Visit.id == visit_id).first()
    assert stored is not None  # read just above
    return visit_out(stored)


async def report_form(principal: Principal, visit_id: int) -> tuple[VisitOut, dict[str, Any], list[tuple[int, str]]]:
    """What the follow-up-to-report form needs: the visit, its household and the places in its grid (the grid
    first, then its compounds and buildings)."""
    from jinlin.areas.tables import Area
    from jinlin.resident_reports.filing import REPORTABLE_LEVELS

    visit, household, basis = await _reportable_visit(principal, visit_id)
    stored = await _visit_select().where(Visit.id == visit_id).first()
    assert stored is not None  # found just above
    async with write_transaction():
        await _log_visit_read(principal, visit, basis)  # the form shows the visit's follow-up
    places = (
        await Area.select(Area.id, Area.name)
        .where(Area.path.like(f"{household['grid.path']}%") & Area.level.is_in(list(REPORTABLE_LEVELS)))
        .order_by(Area.path)
    )
    return visit_out(stored), household, [(p["id"], p["name"]) for p in places]
