"""The one world the authorisation matrix runs in: every role, and objects inside and outside their scope.

"Inside" objects belong to 社区A (east street), the enterprise and the volunteer team; "outside" ones to
社区C (west street) and the village. Ids no object has (runs, twinnings, invitations …) stand for objects
nobody here may see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from factories import login, make_activity, make_area, make_need, make_offer, make_volunteer, make_world
from jinlin.core import clock

ROLES = ["county", "street_east", "admin_a", "staff_a", "grid_a", "liaison", "leader", "volunteer"]
MISSING = 9_000_000
ALL = frozenset(ROLES)
NONE: frozenset[str] = frozenset()
COUNTY = frozenset({"county"})
STREET = COUNTY | {"street_east"}
ADMIN_A = STREET | {"admin_a"}
COMMUNITY_A = ADMIN_A | {"staff_a", "grid_a"}
COMMUNITY_STAFF_A = frozenset({"admin_a", "staff_a", "grid_a"})  # the community's own, not the offices above
LIAISON = frozenset({"liaison"})
LEADER = frozenset({"leader"})
UNITS = LIAISON | LEADER
VOLUNTEER = frozenset({"volunteer"})
PUBLIC = "public"


@dataclass(frozen=True)
class R:
    """Who may: ``inside`` on an object in their scope (or on a route without one), ``outside`` on one that
    is not (default: nobody but the county). ``body`` is the JSON (API) or form (pages) a write sends."""

    inside: frozenset[str] | str
    outside: frozenset[str] | None = None
    body: dict[str, Any] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)

    def allowed(self, role: str, where: str) -> bool:
        if self.inside == PUBLIC:
            return True
        if role == "anonymous":
            return False
        chosen = (
            self.inside if where == "inside" else (self.outside if self.outside is not None else COUNTY & self.inside)
        )
        return role in chosen


async def build(client) -> tuple[dict[str, tuple[int, int]], dict[str, dict[str, str]]]:
    """(objects by path-parameter name as (inside id, outside id), bearer headers by role)."""
    w = await make_world()
    headers = {role: await login(client, role) for role in [*ROLES, "admin_c", "liaison2"]}
    need_a = await make_need("admin_a", w.orgs["comm_a"])
    need_c = await make_need("admin_c", w.orgs["comm_c"])
    offer_e = await make_offer("liaison", w.orgs["enterprise"])
    offer_v = await make_offer("liaison2", w.orgs["village"])
    matches = []
    for who, need, offer in (("admin_a", need_a, offer_e), ("admin_c", need_c, offer_v)):
        r = await client.post(
            "/api/v1/matches", json={"need_id": need.id, "offer_id": offer.id, "quantity": 1}, headers=headers[who]
        )
        assert r.status_code == 201, r.text
        matches.append(r.json()["id"])
    calls, responses = [], []
    for who, org, unit, unit_org in (
        ("admin_a", "comm_a", "liaison", "enterprise"),
        ("admin_c", "comm_c", "liaison2", "village"),
    ):
        r = await client.post(
            "/api/v1/calls",
            json={"issuer_id": w.orgs[org]["id"], "title": "防汛沙袋", "categories": ["materials"], "quantity": 10},
            headers=headers[who],
        )
        assert r.status_code == 201, r.text
        calls.append(r.json()["id"])
        r = await client.post(
            f"/api/v1/calls/{calls[-1]}/responses",
            json={"organization_id": w.orgs[unit_org]["id"], "quantity": 2},
            headers=headers[unit],
        )
        assert r.status_code == 201, r.text
        responses.append(r.json()["id"])
    start = clock.now() + timedelta(days=2)
    shift = [{"start": start, "end": start + timedelta(hours=2), "slots": 5}]
    act_a = await make_activity(client, headers["staff_a"], w.orgs["comm_a"]["id"], w.areas["comm_a"]["id"], shift)
    act_c = await make_activity(client, headers["admin_c"], w.orgs["comm_c"]["id"], w.areas["comm_c"]["id"], shift)
    await make_volunteer("vol_c")
    signups = []
    for who, act in (("volunteer", act_a), ("vol_c", act_c)):
        h = headers.get(who) or await login(client, who)
        r = await client.post(f"/api/v1/shifts/{act['shifts'][0]['id']}/signups", headers=h)
        assert r.status_code == 201, r.text
        signups.append(r.json()["id"])
    codes = []
    for area in (w.areas["grid_a1"], await make_area("网格C1", "grid", w.areas["comm_c"])):
        r = await client.post(
            "/api/v1/resident-reports",
            json={"area_id": area["id"], "category": "other", "description": "路灯坏了", "consent": True},
        )
        assert r.status_code == 201, r.text
        codes.append(r.json()["code"])
    from jinlin.resident_reports.tables import ResidentReport

    report_ids = [
        (await ResidentReport.select(ResidentReport.id).where(ResidentReport.code == c).first())["id"] for c in codes
    ]
    ids: dict[str, Any] = {
        "report_id": tuple(report_ids),
        "report_code": tuple(codes),
        "need_id": (need_a.id, need_c.id),
        "offer_id": (offer_e.id, offer_v.id),
        "match_id": tuple(matches),
        "call_id": tuple(calls),
        "response_id": tuple(responses),
        "activity_id": (act_a["id"], act_c["id"]),
        "shift_id": (act_a["shifts"][0]["id"], act_c["shifts"][0]["id"]),
        "signup_id": tuple(signups),
        "area_id": (w.areas["comm_a"]["id"], w.areas["comm_c"]["id"]),
        "grid_id": (w.areas["grid_a1"]["id"], w.areas["grid_b1"]["id"]),  # duty cards; 网格B1 is 社区B, east street
        "org_id": (w.orgs["comm_a"]["id"], w.orgs["comm_c"]["id"]),
        "community_id": (w.orgs["comm_a"]["id"], w.orgs["comm_c"]["id"]),
        "organization_id": (w.orgs["enterprise"]["id"], w.orgs["village"]["id"]),
        "team_id": (w.orgs["team"]["id"], MISSING),
        "account_id": (w.accounts["grid_a"], w.accounts["admin_c"]),
        "volunteer_id": (w.accounts["volunteer"], w.accounts.get("vol_c") or await _account_id("vol_c")),
        "county_id": (w.areas["county"]["id"], MISSING),
        "run_id": (MISSING, MISSING),
        "twinning_id": (MISSING, MISSING),
        "invitation_id": (MISSING, MISSING),
        "request_id": (MISSING, MISSING),
        "registration_id": (MISSING, MISSING),
        "job_id": (await _import_job("admin_a"), await _import_job("admin_c")),
    }
    return ids, headers


async def _import_job(username: str) -> int:
    """An ended import job: only the account that started it may see it."""
    from jinlin.imports.tables import ImportJob

    job = ImportJob(kind="needs", filename="needs.csv", status="done", started_by=await _account_id(username))
    await job.save()
    return job.id


async def _account_id(username: str) -> int:
    from jinlin.accounts.tables import Account

    return (await Account.select(Account.id).where(Account.username == username).first())["id"]


async def fingerprint() -> tuple[int, ...]:
    """Row counts of every table, in one query: a refused write must leave all of them (and the audit log)
    as they were. Updates are caught through the audit log, which every state change writes to."""
    from jinlin.core.db import all_tables

    tables = all_tables()
    sql = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{t._meta.tablename}") AS c{i}' for i, t in enumerate(tables))
    row = (await tables[0].raw(sql))[0]
    return tuple(row.values())
