"""The one world the authorisation matrix runs in: every role, and objects inside and outside their scope.

"Inside" objects belong to 社区A (east street), the enterprise and the volunteer team; "outside" ones to
社区C (west street) and the village. An id no object has (MISSING) stands for an object nobody here may see.

The grid's own records: grid_a holds a post on 网格A1, where a household (one resident with an ID number),
a visit and a meeting with an action item lie; 社区C's admin keeps the same on 网格C1. 社区A has lent its
网格A1 records to the east street's admin (a read-only grant: the grant basis), so county stays the office
above without one, and staff_a the community's staff without post or grant.

Posts, match runs and twinnings, each made through the API as the product makes them: a named contact on a
post of 网格A1 (by admin_a) and of 社区C (by admin_c); an allocation run over 社区A (admin_a) and one over 社区C
(admin_c), each proposing one need of the community to one unit's offer, finished and not yet published; a
roster run of each side's activity, by its organisers; and an active twinning of 社区A with the enterprise (east
street's run) and of 社区C with the village (west street's run).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from factories import account_id_of, login, make_activity, make_area, make_need, make_offer, make_volunteer, make_world
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
    is not (default: nobody but the county). ``body`` is the JSON (API) or form (pages) a write sends.
    ``audited``: a read that shows residents' records, so an allowed one is logged in the access ledger
    (``RecordAccess``) and a refused one is not."""

    inside: frozenset[str] | str
    outside: frozenset[str] | None = None
    body: dict[str, Any] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    audited: bool = False

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
    grid_c1 = await make_area("网格C1", "grid", w.areas["comm_c"])
    codes = []
    for area in (w.areas["grid_a1"], grid_c1):
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
        "account_id": (w.accounts["grid_a"], w.accounts["admin_c"]),
        "volunteer_id": (w.accounts["volunteer"], w.accounts.get("vol_c") or await account_id_of("vol_c")),
        "job_id": (await _import_job("admin_a"), await _import_job("admin_c")),
    }
    ids.update(await _volunteer_side(client, w, headers))
    ids.update(await _records(client, w, grid_c1, headers))
    # posts, match runs and twinnings: one helper each
    ids.update(await _posts(client, w, headers))
    ids.update(await _match_runs(client, w, headers, ids))
    ids.update(await _twinnings(client, w, headers))
    return ids, headers


# -- 报到, roster invitations, team requests, a second team and county --------------------------------


async def _volunteer_side(client, w, headers: dict[str, dict[str, str]]) -> dict[str, tuple[int, int]]:
    """Registrations (报到), roster invitations, requests to join a team, a second team and a second county,
    made through the API as their people would (these replace the placeholders in ``build``'s table).

    - ``registration_id`` (party members, docs/volunteers.md): inside, the team's volunteer reporting to 社区A
      as an in-service party member of the team; outside, ``party_c`` who reported to 社区C when registering
      as a volunteer (no unit: the registration names only the account).
    - ``unit_registration_id`` (units, docs/posts.md): inside, the enterprise's 报到 with 社区B (the east
      street's other community); outside, the village's with 社区C.
    - ``invitation_id``: a roster run over a 社区A activity invites the team's volunteer (inside) and
      ``vol_c`` (outside).
    - ``team_id``/``request_id``: 西街道's own volunteer team (outside; the leader doesn't lead it); ``vol_c``
      asks to join the leader's team (inside), the team's volunteer to join the other (outside).
    - ``county_id``: a neighbouring county, an area with nobody in it.
    """
    from jinlin.activities.tables import RosterInvitation
    from jinlin.orgs.tables import Registration
    from jinlin.runs import service as runs
    from jinlin.volunteers.tables import VolunteerProfile

    async def call(who: dict[str, str] | None, path: str, body: dict[str, Any]) -> dict[str, Any]:
        r = await client.post(path, json=body, headers=who or {})
        assert r.status_code == 201, r.text
        return r.json()

    async def registration(who: str, unit: str, community: str, kind: str) -> int:
        body = {"community_id": w.orgs[community]["id"], "kind": kind}
        return (await call(headers[who], f"/api/v1/organizations/{w.orgs[unit]['id']}/registrations", body))["id"]

    party_in = await registration("volunteer", "team", "comm_a", "party_member")
    party_c = await call(
        None,
        "/api/v1/volunteers/register",
        {
            "username": "party_c",
            "password": "correct-horse-1",
            "display_name": "党员丙",
            "phone": "13500005678",
            "party_member": True,
            "community_id": w.orgs["comm_c"]["id"],
        },
    )
    client.cookies.clear()  # the registration's session cookie: build's calls carry bearer tokens only
    party_out = (
        await Registration.select(Registration.id).where(Registration.account == party_c["account"]["id"]).first()
    )["id"]
    units = (
        await registration("liaison", "enterprise", "comm_b", "unit"),
        await registration("liaison2", "village", "comm_c", "unit"),
    )

    team_west = await call(
        headers["county"],
        "/api/v1/organizations",
        {"name": "西街道志愿服务队", "kind": "volunteer_team", "area_id": w.areas["west"]["id"]},
    )
    vol_c = await login(client, "vol_c")
    asks = (
        await call(vol_c, f"/api/v1/volunteers/teams/{w.orgs['team']['id']}/join", {"note": "想参加"}),
        await call(headers["volunteer"], f"/api/v1/volunteers/teams/{team_west['id']}/join", {"note": "想参加"}),
    )

    # The team's volunteer keeps a profile like any registered volunteer, so a roster run may ask them.
    await VolunteerProfile.insert(VolunteerProfile(account=w.accounts["volunteer"], availability=[]))
    later = clock.now() + timedelta(days=3)  # clear of the shift the volunteer signed up for (in two days)
    shift = [{"start": later, "end": later + timedelta(hours=2), "slots": 5}]
    activity = await make_activity(client, headers["staff_a"], w.orgs["comm_a"]["id"], w.areas["comm_a"]["id"], shift)
    run = await call(headers["staff_a"], f"/api/v1/activities/{activity['id']}/roster-runs", {"near_only": False})
    assert (await runs.wait_for(run["id"]))["status"] == "succeeded"
    invited = {
        r["volunteer"]: r["id"]
        for r in await RosterInvitation.select(RosterInvitation.id, RosterInvitation.volunteer).where(
            RosterInvitation.run == run["id"]
        )
    }
    other_county = await make_area("邻县", "county")
    return {
        "registration_id": (party_in, party_out),
        "unit_registration_id": units,
        "invitation_id": (invited[w.accounts["volunteer"]], invited[await account_id_of("vol_c")]),
        "team_id": (w.orgs["team"]["id"], team_west["id"]),
        "request_id": (asks[0]["id"], asks[1]["id"]),
        "county_id": (w.areas["county"]["id"], other_county["id"]),
    }


async def _records(client, w, grid_c1: dict[str, Any], headers: dict[str, dict[str, str]]) -> dict[str, Any]:
    """The grid's own records inside (网格A1, kept by grid_a on post) and outside (网格C1, kept by admin_c),
    made through the API as their keepers would."""

    async def call(who: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        r = await client.post(path, json=body, headers=headers[who])
        assert r.status_code == 201, r.text
        return r.json()

    await call(
        "admin_a",
        "/api/v1/posts",
        {"area_id": w.areas["grid_a1"]["id"], "kind": "full_time_grid_worker", "account_id": w.accounts["grid_a"]},
    )
    ends = (clock.now() + timedelta(days=60)).isoformat()
    found: dict[str, list[int]] = {k: [] for k in ("household", "resident", "grant", "visit", "meeting", "item")}
    for keeper, grid, id_number, grantee, granted_area in (
        ("grid_a", w.areas["grid_a1"], "370102195001011234", "street_east", w.areas["grid_a1"]),
        ("admin_c", grid_c1, "370102195102021236", "street_west", w.areas["comm_c"]),
    ):
        household = await call(
            keeper, "/api/v1/households", {"grid_id": grid["id"], "building": "1号楼", "door": "101"}
        )
        resident = await call(
            keeper,
            f"/api/v1/households/{household['id']}/residents",
            {"name": "甄某", "id_number": id_number, "phone": "13912340000", "focus_groups": ["empty_nest_elderly"]},
        )
        admin = "admin_a" if keeper == "grid_a" else "admin_c"
        grant = await call(
            admin,
            "/api/v1/access-grants",
            {
                "account_id": await account_id_of(grantee),
                "area_id": granted_area["id"],
                "purpose": "民政慰问名单核对",
                "ends_at": ends,
            },
        )
        visit = await call(
            keeper, "/api/v1/visits", {"household_id": household["id"], "findings": "独居", "follow_up": "报修楼道灯"}
        )
        meeting = await call(
            keeper,
            "/api/v1/meetings",
            {
                "grid_id": grid["id"],
                "held_on": (clock.now() - timedelta(days=1)).date().isoformat(),
                "topics": "走访",
                "action_items": [
                    {
                        "title": "修楼道灯",
                        "due_on": clock.now().date().isoformat(),
                        "owner_id": await account_id_of(keeper),
                    }
                ],
            },
        )
        for key, row in (
            ("household", household),
            ("resident", resident),
            ("grant", grant),
            ("visit", visit),
            ("meeting", meeting),
            ("item", meeting["action_items"][0]),
        ):
            found[key].append(row["id"])
    return {f"{key}_id": tuple(pair) for key, pair in found.items()}


# -- posts, match runs and twinnings (docs/posts.md, docs/runs.md, docs/twinning.md) --------------------


async def _posts(client, w, headers: dict[str, dict[str, str]]) -> dict[str, Any]:
    """A post inside (a part-time grid worker on 网格A1, put there by 社区A's admin) and outside (社区C's 网格总长,
    by its admin). Both are named contacts who never log in, so nobody's scope changes."""
    found = []
    for who, area, kind in (
        ("admin_a", w.areas["grid_a1"], "part_time_grid_worker"),
        ("admin_c", w.areas["comm_c"], "grid_chief"),
    ):
        r = await client.post(
            "/api/v1/posts",
            json={"area_id": area["id"], "kind": kind, "contact_name": "岗位联系人", "contact_phone": "13712340000"},
            headers=headers[who],
        )
        assert r.status_code == 201, r.text
        found.append(r.json()["id"])
    return {"post_id": tuple(found)}


async def _match_runs(client, w, headers: dict[str, dict[str, str]], ids: dict[str, Any]) -> dict[str, Any]:
    """An allocation run over 社区A (by its admin) and one over 社区C (by admin_c), each proposing the community's
    child-care need to one unit's offer (the enterprise's inside, the village's outside), finished and left
    unpublished; and a roster run of 社区A's activity (by staff_a, its organiser) and of 社区C's (admin_c)."""
    from jinlin.runs import service as runs

    allocation = []
    for who, community, liaison, unit in (
        ("admin_a", "comm_a", "liaison", "enterprise"),
        ("admin_c", "comm_c", "liaison2", "village"),
    ):
        # a category of their own: the elder-care pairs above already hold a match made by hand
        await make_need(who, w.orgs[community], title="课后托管", category="child_care", quantity=2)
        await make_offer(liaison, w.orgs[unit], title="课后辅导", category="child_care", capacity=2)
        r = await client.post(
            "/api/v1/match-runs",
            json={"kind": "allocation", "area_id": w.areas[community]["id"], "time_limit_s": 5},
            headers=headers[who],
        )
        assert r.status_code == 201, r.text
        run = await runs.wait_for(r.json()["id"])
        assert run["status"] == "succeeded" and run["proposals"] == 1, run
        allocation.append(run["id"])
    roster = []
    for who, activity_id in zip(("staff_a", "admin_c"), ids["activity_id"], strict=True):
        r = await client.post(f"/api/v1/activities/{activity_id}/roster-runs", json={}, headers=headers[who])
        assert r.status_code == 201, r.text
        run = await runs.wait_for(r.json()["id"])
        assert run["status"] == "succeeded", run
        roster.append(run["id"])
    return {"run_id": tuple(allocation), "roster_run_id": tuple(roster)}


async def _twinnings(client, w, headers: dict[str, dict[str, str]]) -> dict[str, Any]:
    """An active twinning of 社区A with the enterprise (inside) and of 社区C with the village (outside): each street's
    admin keeps the two profiles, runs twinning over the street, publishes the run and accepts the pair."""
    from jinlin.runs import service as runs

    west = await login(client, "street_west")
    found = []
    for street, area, community, helper in (
        (headers["street_east"], w.areas["east"], "comm_a", "enterprise"),
        (west, w.areas["west"], "comm_c", "village"),
    ):
        for path, body in (
            (
                f"/api/v1/communities/{w.orgs[community]['id']}/profile",
                {"population": 8000, "grid_workers": 2, "funding_gap": 300000, "min_helpers": 1, "max_helpers": 1},
            ),
            (f"/api/v1/helpers/{w.orgs[helper]['id']}/profile", {"capacity": 1, "funding_strength": 0.8}),
        ):
            r = await client.put(path, json=body, headers=street)
            assert r.status_code == 200, r.text
        r = await client.post(
            "/api/v1/match-runs", json={"kind": "twinning", "area_id": area["id"], "time_limit_s": 5}, headers=street
        )
        assert r.status_code == 201, r.text
        run = await runs.wait_for(r.json()["id"])
        assert run["status"] == "succeeded" and run["proposals"] == 1, run
        r = await client.post(f"/api/v1/match-runs/{run['id']}/publish", headers=street)
        assert r.status_code == 201, r.text
        r = await client.get("/api/v1/twinnings", params={"run_id": run["id"]}, headers=street)
        (pair,) = r.json()["items"]
        assert (pair["community_id"], pair["helper_id"]) == (w.orgs[community]["id"], w.orgs[helper]["id"]), pair
        r = await client.post(f"/api/v1/twinnings/{pair['id']}/accept", headers=street)
        assert r.status_code == 201, r.text
        found.append(pair["id"])
    return {"twinning_id": tuple(found)}


async def _import_job(username: str) -> int:
    """An ended import job: only the account that started it may see it."""
    from jinlin.imports.tables import ImportJob

    job = ImportJob(kind="needs", filename="needs.csv", status="done", started_by=await account_id_of(username))
    await job.save()
    return job.id


async def record_reads() -> int:
    """Rows of the access ledger of residents' records (docs/households.md: every view is one)."""
    from jinlin.households.tables import RecordAccess

    return await RecordAccess.count()


async def fingerprint() -> tuple[int, ...]:
    """Row counts of every table, in one query: a refused write must leave all of them (and the audit log)
    as they were. Updates are caught through the audit log, which every state change writes to."""
    from jinlin.core.db import all_tables

    tables = all_tables()
    sql = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{t._meta.tablename}") AS c{i}' for i, t in enumerate(tables))
    row = (await tables[0].raw(sql))[0]
    return tuple(row.values())
