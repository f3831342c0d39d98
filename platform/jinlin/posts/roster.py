"""报到 that counts (双报到): a community's co-building roster gets its calls first, registered party
members see its needs and activities, and each registration shows what was done under it, down to
the XLSX service report a unit gives its employer's party organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from jinlin.accounts.tables import Membership
from jinlin.activities.tables import HoursRecord, Shift
from jinlin.auth.principal import STAFF_ROLES, UNIT_ROLES, Principal
from jinlin.calls.tables import Call, CallResponse
from jinlin.core import clock
from jinlin.core.errors import Invalid, NotFound
from jinlin.core.tabular import write_xlsx
from jinlin.matches.tables import Match
from jinlin.needs.tables import Need
from jinlin.orgs.tables import Organization, Registration


async def registered_with(unit_ids: list[int]) -> dict[int, set[int]]:
    """The communities each unit is registered with (active unit registrations)."""
    out: dict[int, set[int]] = {u: set() for u in unit_ids}
    if unit_ids:
        for r in await Registration.select(Registration.organization, Registration.community).where(
            Registration.organization.is_in(unit_ids)
            & (Registration.kind == "unit")
            & (Registration.status == "active")
        ):
            out[r["organization"]].add(r["community"])
    return out


async def registered_units(community_id: int) -> list[int]:
    """The units on a community's co-building roster."""
    rows = await Registration.select(Registration.organization).where(
        (Registration.community == community_id) & (Registration.kind == "unit") & (Registration.status == "active")
    )
    return sorted({r["organization"] for r in rows if r["organization"] is not None})


# -- what was done under a registration ---------------------------------------------------------------
@dataclass
class Outcome:
    matches_completed: int = 0
    quantity_completed: int = 0
    pledges: int = 0
    quantity_pledged: int = 0
    activity_hours: float = 0.0


def _period(start: datetime | None, end: datetime | None, row: dict[str, Any]) -> tuple[datetime, datetime]:
    """The overlap of a report period with the registration's own time."""
    lo = max(start or row["registered_at"], row["registered_at"])
    hi = min(end or clock.now(), row["ended_at"] or clock.now())
    return lo, hi


async def outcome(reg: dict[str, Any], start: datetime | None = None, end: datetime | None = None) -> Outcome:
    """Matches completed and pledges of the unit for the community, and hours served in the community's
    area by the unit's members (or, for a party member, by that member), within the registration's time."""
    lo, hi = _period(start, end, reg)
    out = Outcome()
    if hi <= lo:
        return out
    community = (
        await Organization.select(Organization.area.path.as_alias("path"))
        .where(Organization.id == reg["community"])
        .first()
    )
    if reg["kind"] == "unit" and reg["organization"] is not None:
        for m in await Match.select(Match.quantity).where(
            (Match.provider_id == reg["organization"])
            & (Match.community_id == reg["community"])
            & (Match.status == "completed")
            & (Match.completed_at >= lo)
            & (Match.completed_at < hi)
        ):
            out.matches_completed += 1
            out.quantity_completed += m["quantity"]
        for p in await CallResponse.select(CallResponse.quantity).where(
            (CallResponse.organization_id == reg["organization"])
            & (CallResponse.call_id.issuer_id == reg["community"])
            & (CallResponse.created_at >= lo)
            & (CallResponse.created_at < hi)
        ):
            out.pledges += 1
            out.quantity_pledged += p["quantity"]
        accounts = [
            m["account"]
            for m in await Membership.select(Membership.account).where(Membership.organization == reg["organization"])
        ]
    else:
        accounts = [reg["account"]] if reg["account"] else []
    if accounts and community is not None:
        rows = await HoursRecord.select(HoursRecord.minutes).where(
            HoursRecord.account.is_in(accounts)
            & (HoursRecord.kind == "recorded")
            & HoursRecord.signup.shift.activity.area.path.like(f"{community['path']}%")
            & (HoursRecord.served_on >= lo)
            & (HoursRecord.served_on < hi)
        )
        out.activity_hours = round(sum(r["minutes"] for r in rows) / 60, 1)
    return out


async def _can_read_unit(principal: Principal, unit: dict[str, Any]) -> bool:
    """The unit's own liaison, staff of the area it is located in, and staff of an area holding a community
    it registered with (报到, any status: its record there stays theirs to review). Not every street admin:
    the record names the unit's party members."""
    if principal.acts_for(unit["id"], UNIT_ROLES) or principal.covers_area(unit["path"], STAFF_ROLES):
        return True
    if not principal.is_staff:
        return False
    rows = await Registration.select(Registration.community.area.path.as_alias("path")).where(
        Registration.organization == unit["id"]
    )
    return any(r["path"] and principal.covers_area(r["path"], STAFF_ROLES) for r in rows)


async def _unit(principal: Principal, unit_id: int) -> dict[str, Any]:
    unit = (
        await Organization.select(
            Organization.id, Organization.name, Organization.kind, Organization.area.path.as_alias("path")
        )
        .where(Organization.id == unit_id)
        .first()
    )
    if unit is None or not await _can_read_unit(principal, unit):
        raise NotFound("Organisation not found")
    return unit


def _reg_columns() -> list[Any]:
    return [
        *Registration.all_columns(),
        Registration.community.name.as_alias("community_name"),
        Registration.account.display_name.as_alias("account_name"),
        Registration.account.username.as_alias("account_username"),
    ]


async def unit_record(principal: Principal, unit_id: int) -> list[dict[str, Any]]:
    """Each registration of a unit (and of its party members) with what was done under it."""
    await _unit(principal, unit_id)
    regs = (
        await Registration.select(*_reg_columns())
        .where(Registration.organization == unit_id)
        .order_by(Registration.registered_at)
    )
    return [{"registration": r, "outcome": await outcome(r)} for r in regs]


def period_bounds(year: int, quarter: int | None) -> tuple[datetime, datetime]:
    if not 2000 <= year <= 2100:
        raise Invalid("Choose a year", {"year": "between 2000 and 2100"})
    if quarter is None:
        return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    if quarter not in (1, 2, 3, 4):
        raise Invalid("Choose a quarter", {"quarter": "1, 2, 3 or 4"})
    start = datetime(year, 3 * quarter - 2, 1, tzinfo=UTC)
    end = datetime(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1, tzinfo=UTC)
    return start, end


REPORT_HEADERS = (
    "社区",
    "报到类型",
    "党员",
    "报到时间",
    "结束时间",
    "完成项目数",
    "完成数量",
    "响应号召次数",
    "认领数量",
    "志愿服务时长(小时)",
)


async def service_report_xlsx(principal: Principal, unit_id: int, year: int, quarter: int | None) -> bytes:
    """The unit's and its party members' service per community for a quarter or a year (XLSX)."""
    unit = await _unit(principal, unit_id)
    start, end = period_bounds(year, quarter)
    regs = (
        await Registration.select(*_reg_columns())
        .where(
            (Registration.organization == unit_id)
            & (Registration.registered_at < end)
            & (Registration.ended_at.is_null() | (Registration.ended_at >= start))
        )
        .order_by(Registration.community)
    )
    rows = []
    for r in regs:
        o = await outcome(r, start, end)
        member = (r["account_name"] or r["account_username"] or "") if r["kind"] == "party_member" else ""
        rows.append(
            (
                r["community_name"],
                "单位报到" if r["kind"] == "unit" else "党员报到",
                member,
                r["registered_at"].date().isoformat(),
                r["ended_at"].date().isoformat() if r["ended_at"] else "",
                o.matches_completed,
                o.quantity_completed,
                o.pledges,
                o.quantity_pledged,
                o.activity_hours,
            )
        )
    label = f"{year}年" + (f"第{quarter}季度" if quarter else "")
    return write_xlsx(REPORT_HEADERS, rows, title=f"{unit['name'][:20]}{label}")


# -- what a registered party member sees -----------------------------------------------------------
async def member_feed(principal: Principal) -> list[dict[str, Any]]:
    """For each community the caller is registered with as a party member: its open needs and coming activities."""
    regs = await Registration.select(
        Registration.community,
        Registration.community.name.as_alias("name"),
        Registration.community.area.path.as_alias("path"),
    ).where(
        (Registration.account == principal.account_id)
        & (Registration.kind == "party_member")
        & (Registration.status == "active")
    )
    feed = []
    for reg in {r["community"]: r for r in regs}.values():
        needs = (
            await Need.select(Need.id, Need.title, Need.colour, Need.resolve_by)
            .where((Need.community_id == reg["community"]) & (Need.status == "published"))
            .order_by(Need.id, ascending=False)
            .limit(5)
        )
        shifts = (
            await Shift.select(Shift.activity, Shift.activity.title.as_alias("title"), Shift.starts_at)
            .where(
                Shift.activity.area.path.like(f"{reg['path']}%")
                & (Shift.activity.status == "published")
                & (Shift.starts_at >= clock.now())
            )
            .order_by(Shift.starts_at)
            .limit(10)
        )
        activities = list({s["activity"]: s for s in reversed(shifts)}.values())[::-1][:5]
        calls = (
            await Call.select(Call.id, Call.title)
            .where((Call.issuer_id == reg["community"]) & (Call.status == "open"))
            .limit(5)
        )
        feed.append(
            {
                "community_id": reg["community"],
                "name": reg["name"],
                "needs": needs,
                "activities": activities,
                "calls": calls,
            }
        )
    return feed
