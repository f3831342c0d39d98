"""结对帮扶 rules: who keeps which profile, the weakness index, and a twinning's lifecycle
(proposed → active → ended, or declined). Runs over an area propose pairs (jinlin.twinning.runs)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from jinlin.audit.service import diff, record
from jinlin.auth.principal import STAFF_ROLES, Principal
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import Forbidden, Invalid, NotFound, WrongStatus
from jinlin.core.pagination import Page, PageRequest
from jinlin.notifications.service import notify
from jinlin.orgs.tables import UNIT_KINDS, Organization
from jinlin.twinning import weakness
from jinlin.twinning.schemas import (
    CommunityProfileIn,
    CommunityProfileOut,
    HelperProfileIn,
    HelperProfileOut,
    TwinningOut,
)
from jinlin.twinning.tables import CommunityProfile, HelperProfile, Twinning

TWINNING_STAFF = frozenset({"county_admin", "street_admin"})
HELPER_KINDS = UNIT_KINDS | {"community"}


async def _org(org_id: int) -> dict[str, Any]:
    row = (
        await Organization.select(*Organization.all_columns(), Organization.area.path.as_alias("path"))
        .where(Organization.id == org_id)
        .first()
    )
    if row is None:
        raise NotFound("Organisation not found")
    return row


# ------------------------------------------------------------------ community profiles (weakness)


async def community_profile(principal: Principal, community_id: int) -> CommunityProfileOut:
    org = await _org(community_id)
    if org["kind"] != "community" or not principal.covers_area(org["path"], STAFF_ROLES):
        raise NotFound("Community not found")
    return await _profile_out(org)


async def _profile_out(org: dict[str, Any]) -> CommunityProfileOut:
    row = await CommunityProfile.select().where(CommunityProfile.community_id == org["id"]).first()
    row = row or {
        "population": 0,
        "grid_workers": 0,
        "funding_gap": 0,
        "facility_gap": 0.0,
        "min_helpers": 0,
        "max_helpers": 1,
        "note": "",
        "updated_at": None,
    }
    computed = (await weakness.need_parts([org["id"]]))[org["id"]]
    row = weakness.with_load(row, (await weakness.load_figures([org["id"]])).get(org["id"]))
    parts = weakness.parts(row, computed)
    return CommunityProfileOut(
        community_id=org["id"],
        community_name=org["name"],
        population=row["population"],
        grid_workers=row["grid_workers"],
        funding_gap=row["funding_gap"],
        facility_gap=row["facility_gap"],
        min_helpers=row["min_helpers"],
        max_helpers=row["max_helpers"],
        note=row["note"],
        weakness_index=weakness.index(parts),
        weakness=parts,
        updated_at=row["updated_at"],
    )


async def put_community_profile(
    principal: Principal, community_id: int, data: CommunityProfileIn
) -> CommunityProfileOut:
    org = await _org(community_id)
    if org["kind"] != "community" or not principal.covers_area(org["path"], STAFF_ROLES):
        raise NotFound("Community not found")
    if not principal.covers_area(org["path"], TWINNING_STAFF):
        raise Forbidden("County and street staff keep community profiles")
    if data.min_helpers > data.max_helpers:
        raise Invalid("min_helpers is above max_helpers", {"min_helpers": "must not exceed max_helpers"})
    values = msgspec.structs.asdict(data)
    now = clock.now()
    async with write_transaction():
        before = await CommunityProfile.select().where(CommunityProfile.community_id == community_id).first()
        if before is None:
            await CommunityProfile.insert(
                CommunityProfile(
                    community_id=community_id, updated_by=principal.account_id, created_at=now, updated_at=now, **values
                )
            )
        else:
            await CommunityProfile.update(
                {
                    **{getattr(CommunityProfile, k): v for k, v in values.items()},
                    CommunityProfile.updated_by: principal.account_id,
                    CommunityProfile.updated_at: now,
                }
            ).where(CommunityProfile.community_id == community_id)
        await record(
            principal,
            "update" if before else "create",
            "community_profile",
            community_id,
            diff(before or {}, values),
            summary=org["name"],
        )
    return await _profile_out(org)


async def list_community_profiles(principal: Principal, area_path: str) -> list[CommunityProfileOut]:
    orgs = (
        await Organization.select(*Organization.all_columns(), Organization.area.path.as_alias("path"))
        .where((Organization.kind == "community") & Organization.area.path.like(f"{area_path}%"))
        .order_by(Organization.name)
    )
    return [await _profile_out(o) for o in orgs if principal.covers_area(o["path"], STAFF_ROLES)]


# ------------------------------------------------------------------ helper profiles (strength)


def _may_edit_helper(principal: Principal, org: dict[str, Any]) -> bool:
    return principal.covers_area(org["path"], TWINNING_STAFF) or principal.acts_for(
        org["id"], frozenset({"unit_liaison", "team_leader", "community_admin"})
    )


async def _helper_out(org: dict[str, Any]) -> HelperProfileOut:
    row = await HelperProfile.select().where(HelperProfile.organization_id == org["id"]).first()
    row = row or {
        "capacity": 0,
        "staff_strength": 0.0,
        "funding_strength": 0.0,
        "facility_strength": 0.0,
        "service_strength": 0.0,
        "note": "",
        "updated_at": None,
    }
    active = await Twinning.count().where((Twinning.helper_id == org["id"]) & (Twinning.status == "active"))
    return HelperProfileOut(
        organization_id=org["id"],
        organization_name=org["name"],
        kind=org["kind"],
        capacity=row["capacity"],
        staff_strength=row["staff_strength"],
        funding_strength=row["funding_strength"],
        facility_strength=row["facility_strength"],
        service_strength=row["service_strength"],
        note=row["note"],
        active_twinnings=active,
        updated_at=row["updated_at"],
    )


async def helper_profile(principal: Principal, org_id: int) -> HelperProfileOut:
    org = await _org(org_id)
    if org["kind"] not in HELPER_KINDS or not (
        principal.covers_area(org["path"], STAFF_ROLES) or principal.acts_for(org_id)
    ):
        raise NotFound("Helper not found")
    return await _helper_out(org)


async def put_helper_profile(principal: Principal, org_id: int, data: HelperProfileIn) -> HelperProfileOut:
    org = await _org(org_id)
    if org["kind"] not in HELPER_KINDS:
        raise NotFound("Helper not found")
    if not _may_edit_helper(principal, org):
        raise Forbidden("Only the helper or county and street staff keep this profile")
    values = msgspec.structs.asdict(data)
    now = clock.now()
    async with write_transaction():
        before = await HelperProfile.select().where(HelperProfile.organization_id == org_id).first()
        if before is None:
            await HelperProfile.insert(
                HelperProfile(
                    organization_id=org_id, updated_by=principal.account_id, created_at=now, updated_at=now, **values
                )
            )
        else:
            await HelperProfile.update(
                {
                    **{getattr(HelperProfile, k): v for k, v in values.items()},
                    HelperProfile.updated_by: principal.account_id,
                    HelperProfile.updated_at: now,
                }
            ).where(HelperProfile.organization_id == org_id)
        await record(
            principal,
            "update" if before else "create",
            "helper_profile",
            org_id,
            diff(before or {}, values),
            summary=org["name"],
        )
    return await _helper_out(org)


# ------------------------------------------------------------------ twinnings


def _select():
    return Twinning.select(
        *Twinning.all_columns(),
        Twinning.helper_id.name.as_alias("helper_name"),
        Twinning.community_id.name.as_alias("community_name"),
        Twinning.community_id.area.path.as_alias("community_path"),
        Twinning.helper_id.area.path.as_alias("helper_path"),
    ).output(load_json=True)


def to_out(r: dict[str, Any]) -> TwinningOut:
    return TwinningOut(
        id=r["id"],
        helper_id=r["helper_id"],
        helper_name=r["helper_name"],
        community_id=r["community_id"],
        community_name=r["community_name"],
        period=r["period"],
        status=r["status"],
        run_id=r["run_id"],
        value=r["value"],
        reasons=r["reasons"] or [],
        accepted_at=r["accepted_at"],
        ended_at=r["ended_at"],
        created_at=r["created_at"],
        updated_at=r["updated_at"],
    )


def _visible(principal: Principal, r: dict[str, Any]) -> bool:
    return (
        principal.covers_area(r["community_path"], STAFF_ROLES)
        or principal.acts_for(r["helper_id"])
        or principal.acts_for(r["community_id"])
    )


async def get_twinning(principal: Principal, twinning_id: int) -> TwinningOut:
    r = await _select().where(Twinning.id == twinning_id).first()
    if r is None or not _visible(principal, r):
        raise NotFound("Twinning not found")
    return to_out(r)


async def list_twinnings(
    principal: Principal,
    paging: PageRequest,
    *,
    status: str | None = None,
    period: int | None = None,
    organization_id: int | None = None,
    run_id: int | None = None,
) -> Page[TwinningOut]:
    clause = None
    for p in principal.area_paths(STAFF_ROLES):
        c = Twinning.community_id.area.path.like(f"{p}%")
        clause = c if clause is None else clause | c
    orgs = list(principal.org_ids())
    if orgs:
        c = Twinning.helper_id.is_in(orgs) | Twinning.community_id.is_in(orgs)
        clause = c if clause is None else clause | c
    if clause is None:
        return paging.page([], 0)
    where = [clause]
    if status:
        where.append(Twinning.status == status)
    if period is not None:
        where.append(Twinning.period == period)
    if organization_id is not None:
        where.append((Twinning.helper_id == organization_id) | (Twinning.community_id == organization_id))
    if run_id is not None:
        where.append(Twinning.run_id == run_id)
    query, count = _select().order_by(Twinning.id, ascending=False), Twinning.count()
    for w in where:
        query, count = query.where(w), count.where(w)
    rows = await query.limit(paging.limit).offset(paging.offset)
    return paging.page([to_out(r) for r in rows], await count)


async def _transition(
    principal: Principal, twinning_id: int, from_status: str, to_status: str, action: str
) -> TwinningOut:
    r = await _select().where(Twinning.id == twinning_id).first()
    if r is None or not _visible(principal, r):
        raise NotFound("Twinning not found")
    if not principal.covers_area(r["community_path"], TWINNING_STAFF):
        raise Forbidden("County and street staff accept and end twinnings")
    now = clock.now()
    values: dict[Any, Any] = {Twinning.status: to_status, Twinning.updated_at: now}
    if to_status == "active":
        values[Twinning.accepted_at] = now
    if to_status in ("ended", "declined"):
        values[Twinning.ended_at] = now
    async with write_transaction():
        done = (
            await Twinning.update(values)
            .where((Twinning.id == twinning_id) & (Twinning.status == from_status))
            .returning(Twinning.id)
        )
        if not done:
            raise WrongStatus("The twinning", r["status"], action)
        await record(
            principal,
            action,
            "twinning",
            twinning_id,
            {"status": [from_status, to_status]},
            summary=f"{r['helper_name']} ↔ {r['community_name']} {r['period']}",
        )
        title = {
            "active": "Twinning of {helper} with {community} is active",
            "ended": "Twinning of {helper} with {community} has ended",
        }.get(to_status)
        if title:
            params = {"helper": r["helper_name"], "community": r["community_name"]}
            for org in (r["helper_id"], r["community_id"]):
                await notify(
                    kind=f"twinning_{to_status}",
                    title=title,
                    organization_id=org,
                    params=params,
                    link=f"/twinnings/{twinning_id}",
                    object_type="twinning",
                    object_id=twinning_id,
                )
    return await get_twinning(principal, twinning_id)


async def accept_twinning(principal: Principal, twinning_id: int) -> TwinningOut:
    return await _transition(principal, twinning_id, "proposed", "active", "accept")


async def decline_twinning(principal: Principal, twinning_id: int) -> TwinningOut:
    return await _transition(principal, twinning_id, "proposed", "declined", "decline")


async def end_twinning(principal: Principal, twinning_id: int) -> TwinningOut:
    return await _transition(principal, twinning_id, "active", "ended", "end")


async def run_proposals(run_id: int) -> list[dict[str, Any]]:
    """A twinning run's proposed pairs, for the run's page."""
    return await _select().where(Twinning.run_id == run_id).order_by(Twinning.id)


async def publish_run_proposals(run_id: int, now: datetime) -> None:
    await announce_run(run_id)


async def announce_run(run_id: int) -> None:
    """Publishing a twinning run tells both sides of every proposed pair (inside the caller's transaction)."""
    rows = await _select().where((Twinning.run_id == run_id) & (Twinning.status == "proposed"))
    for r in rows:
        params = {"helper": r["helper_name"], "community": r["community_name"]}
        for org in (r["helper_id"], r["community_id"]):
            await notify(
                kind="twinning_proposed",
                title="Twinning of {helper} with {community} is proposed",
                organization_id=org,
                params=params,
                link=f"/twinnings/{r['id']}",
                object_type="twinning",
                object_id=r["id"],
            )


# ------------------------------------------------------------------ what the pages need to show


async def community_profile_page(principal: Principal, community_id: int) -> tuple[CommunityProfileOut, bool]:
    """The profile with its weakness index, and whether the viewer may change it."""
    profile = await community_profile(principal, community_id)
    org = await _org(community_id)
    return profile, principal.covers_area(org["path"], TWINNING_STAFF)


async def helper_profile_page(principal: Principal, org_id: int) -> tuple[HelperProfileOut, bool]:
    profile = await helper_profile(principal, org_id)
    return profile, _may_edit_helper(principal, await _org(org_id))


async def profiles_overview(principal: Principal) -> list[CommunityProfileOut]:
    """Every community profile the viewer's staff roles reach, weakest first."""
    seen: dict[int, CommunityProfileOut] = {}
    for path in sorted(set(principal.area_paths(STAFF_ROLES))):
        for p in await list_community_profiles(principal, path):
            seen.setdefault(p.community_id, p)
    return sorted(seen.values(), key=lambda p: (-p.weakness_index, p.community_name))


async def twinning_page(principal: Principal, twinning_id: int) -> tuple[TwinningOut, bool]:
    r = await _select().where(Twinning.id == twinning_id).first()
    if r is None or not _visible(principal, r):
        raise NotFound("Twinning not found")
    return to_out(r), principal.covers_area(r["community_path"], TWINNING_STAFF)
