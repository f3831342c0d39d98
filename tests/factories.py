"""Small factories for test data (tests never rely on the demo seed).

``World`` builds a county with two streets and two communities each, some units, and accounts for
every role; ``login`` returns bearer headers for an account.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jinlin.accounts.service import create_account
from jinlin.areas.tables import Area
from jinlin.core import clock
from jinlin.orgs.tables import Organization

PASSWORD = "correct-horse-1"


async def make_area(name: str, level: str, parent: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    now = clock.now()
    row = Area(
        name=name,
        level=level,
        parent=parent["id"] if parent else None,
        path="",
        created_at=now,
        updated_at=now,
        **extra,
    )
    await row.save()
    path = f"{parent['path'] if parent else '/'}{row.id}/"
    await Area.update({Area.path: path}).where(Area.id == row.id)
    return await Area.select().where(Area.id == row.id).first()


async def make_org(name: str, kind: str, area: dict[str, Any], **extra: Any) -> dict[str, Any]:
    now = clock.now()
    org = Organization(name=name, kind=kind, area=area["id"], created_at=now, updated_at=now, **extra)
    await org.save()
    return await Organization.select().where(Organization.id == org.id).first()


async def make_account(username: str, memberships: list[tuple[int, str]], **extra: Any) -> int:
    return await create_account(
        None, username=username, password=PASSWORD, display_name=username, memberships=memberships, **extra
    )


@dataclass
class World:
    areas: dict[str, dict[str, Any]] = field(default_factory=dict)
    orgs: dict[str, dict[str, Any]] = field(default_factory=dict)
    accounts: dict[str, int] = field(default_factory=dict)


async def make_world() -> World:
    """县 › 东街道 (社区A: 网格A1; 社区B) and 西街道 (社区C), an enterprise, a village, a team.

    Accounts: county, street_east, street_west, admin_a, staff_a, grid_a, admin_b, admin_c,
    liaison (enterprise), liaison2 (village), leader (team), volunteer (team).
    """
    w = World()
    a = w.areas
    a["county"] = await make_area("测试县", "county", lat=35.1, lon=117.2)
    a["east"] = await make_area("东街道", "street", a["county"], lat=35.12, lon=117.22)
    a["west"] = await make_area("西街道", "street", a["county"], lat=35.05, lon=117.10)
    a["comm_a"] = await make_area("社区A", "community", a["east"], lat=35.121, lon=117.221, population=8000)
    a["comm_b"] = await make_area("社区B", "community", a["east"], lat=35.125, lon=117.230, population=5000)
    a["comm_c"] = await make_area("社区C", "community", a["west"], lat=35.051, lon=117.101, population=6000)
    a["grid_a1"] = await make_area("网格A1", "grid", a["comm_a"], lat=35.1211, lon=117.2211)
    a["grid_b1"] = await make_area("网格B1", "grid", a["comm_b"], lat=35.1251, lon=117.2301)
    o = w.orgs
    o["county"] = await make_org("县社会工作部", "agency", a["county"])
    o["east"] = await make_org("东街道办事处", "street_office", a["east"])
    o["west"] = await make_org("西街道办事处", "street_office", a["west"])
    o["comm_a"] = await make_org("社区A居委会", "community", a["comm_a"], contact_phone="13800001111")
    o["comm_b"] = await make_org("社区B居委会", "community", a["comm_b"], contact_phone="13800002222")
    o["comm_c"] = await make_org("社区C居委会", "community", a["comm_c"])
    o["enterprise"] = await make_org("鑫源建材有限公司", "enterprise", a["east"], contact_phone="13912345678")
    o["village"] = await make_org("柳林村", "village", a["west"], contact_phone="13712345678")
    o["team"] = await make_org("青年志愿服务队", "volunteer_team", a["east"])
    acc = w.accounts
    acc["county"] = await make_account("county", [(o["county"]["id"], "county_admin")])
    acc["street_east"] = await make_account("street_east", [(o["east"]["id"], "street_admin")])
    acc["street_west"] = await make_account("street_west", [(o["west"]["id"], "street_admin")])
    acc["admin_a"] = await make_account("admin_a", [(o["comm_a"]["id"], "community_admin")])
    acc["staff_a"] = await make_account("staff_a", [(o["comm_a"]["id"], "community_staff")])
    acc["grid_a"] = await make_account("grid_a", [(o["comm_a"]["id"], "grid_worker")])
    acc["admin_b"] = await make_account("admin_b", [(o["comm_b"]["id"], "community_admin")])
    acc["admin_c"] = await make_account("admin_c", [(o["comm_c"]["id"], "community_admin")])
    acc["liaison"] = await make_account("liaison", [(o["enterprise"]["id"], "unit_liaison")])
    acc["liaison2"] = await make_account("liaison2", [(o["village"]["id"], "unit_liaison")])
    acc["leader"] = await make_account("leader", [(o["team"]["id"], "team_leader")])
    acc["volunteer"] = await make_account("volunteer", [(o["team"]["id"], "volunteer")], phone="13666667777")
    return w


async def login(client, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = await client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def account_id_of(username: str) -> int:
    from jinlin.accounts.tables import Account

    return (await Account.select(Account.id).where(Account.username == username).first())["id"]


async def principal(username: str):
    """The Principal of an account, for calling services directly."""
    from jinlin.auth.service import load_principal

    return await load_principal(await account_id_of(username))


async def make_need(username: str, community: dict[str, Any], *, publish: bool = True, **fields: Any):
    """A need posted through the service by ``username`` (a member of ``community``)."""
    from jinlin.needs.schemas import NeedIn
    from jinlin.needs.service import create_need

    values = {"title": "上门助餐", "category": "elder_care", "quantity": 5, "unit": "人次", **fields}
    return await create_need(await principal(username), NeedIn(community_id=community["id"], publish=publish, **values))


async def make_offer(username: str, organization: dict[str, Any], *, publish: bool = True, **fields: Any):
    """An offer posted through the service by ``username`` (a liaison or leader of ``organization``)."""
    from jinlin.offers.schemas import OfferIn
    from jinlin.offers.service import create_offer

    values = {"title": "志愿送餐", "category": "elder_care", "capacity": 5, "unit": "人次", **fields}
    return await create_offer(
        await principal(username), OfferIn(organization_id=organization["id"], publish=publish, **values)
    )


# -- volunteers and activities -----------------------------------------------------------------


async def make_volunteer(
    username: str,
    skills: list[str] | None = None,
    phone: str = "13500001234",
    availability: list[dict[str, Any]] | None = None,
    area_ids: list[int] | None = None,
    max_hours_per_week: float | None = None,
) -> int:
    """A self-registered volunteer: an account without memberships, with a VolunteerProfile."""
    from jinlin.volunteers.tables import VolunteerProfile

    account_id = await create_account(
        None, username=username, password=PASSWORD, display_name=username, phone=phone, skills=skills or []
    )
    await VolunteerProfile.insert(
        VolunteerProfile(
            account=account_id,
            availability=availability or [],
            preferred_area_ids=area_ids or [],
            max_hours_per_week=max_hours_per_week,
        )
    )
    return account_id


async def make_activity(
    client,
    headers: dict[str, str],
    organizer_id: int,
    area_id: int,
    shifts: list[dict[str, Any]],
    publish: bool = True,
    **extra: Any,
) -> dict[str, Any]:
    """Create (and publish) an activity through the API; shifts as {"start", "end", "slots", "skills"}."""
    body = {
        "organizer_id": organizer_id,
        "title": "敬老院陪伴",
        "category": "elder_care",
        "area_id": area_id,
        "address": "幸福路1号",
        "shifts": [{**s, "start": s["start"].isoformat(), "end": s["end"].isoformat()} for s in shifts],
        **extra,
    }
    response = await client.post("/api/v1/activities", json=body, headers=headers)
    assert response.status_code == 201, response.text
    activity = response.json()
    if publish:
        response = await client.post(f"/api/v1/activities/{activity['id']}/publish", headers=headers)
        assert response.status_code == 200, response.text
        activity = response.json()
    return activity


async def page_login(client, username: str, password: str = PASSWORD) -> None:
    """Log in for the pages: the API login also sets the session cookie on ``client``."""
    await login(client, username, password)


async def csrf_token(client, path: str = "/") -> str:
    """The CSRF token a page's forms carry (GET ``path`` first, which also sets the CSRF cookie)."""
    import re

    html = (await client.get(path)).text
    found = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


# -- residents' reports (接诉即办) ------------------------------------------------------------------


async def make_post(
    area: dict[str, Any], account_id: int | None, kind: str = "full_time_grid_worker", **extra: Any
) -> int:
    """A post row (岗位) written directly: the posts feature owns the service, tests only need the row."""
    from jinlin.posts.tables import Post

    post = Post(area=area["id"], kind=kind, account=account_id, starts_at=clock.now(), created_at=clock.now(), **extra)
    await post.save()
    return post.id


async def make_report_world() -> World:
    """``make_world`` plus 小区A1 › 1号楼 under 网格A1 (grid_a on post there); 网格B1 stays unstaffed."""
    w = await make_world()
    w.areas["compound_a1"] = await make_area("幸福小区", "compound", w.areas["grid_a1"])
    w.areas["building_a1"] = await make_area("1号楼", "building", w.areas["compound_a1"])
    w.areas["building_b1"] = await make_area(
        "7号楼", "building", await make_area("和平小区", "compound", w.areas["grid_b1"])
    )
    await make_post(w.areas["grid_a1"], w.accounts["grid_a"])
    return w


# -- the grid's own records (households, visits, meetings) -------------------------------------


async def make_household(
    username: str,
    grid: dict[str, Any],
    residents: list[dict[str, Any]] | None = None,
    building: str = "1号楼",
    door: str = "1单元101",
):
    """A household with residents, recorded through the service by ``username`` (who keeps the grid)."""
    from jinlin.households import keeping
    from jinlin.households.schemas import HouseholdIn, ResidentIn

    who = await principal(username)
    household = await keeping.create_household(who, HouseholdIn(grid_id=grid["id"], building=building, door=door))
    for values in residents or []:
        await keeping.add_resident(who, household.id, ResidentIn(**values))
    return household


MARKER = "测试标记甄某某"  # a resident's name no other table, log or page outside the record may ever show
ID_NUMBER = "370102195001011234"  # fictional: the checksum digit is not even computed


async def make_records_world() -> World:
    """``make_world`` plus a second grid in 社区A and the posts on them: grid_a on 网格A1, grid_a2 on 网格A2;
    a household in 网格A1 (``w.orgs['household']``) with one resident named ``MARKER``."""
    w = await make_world()
    w.areas["grid_a2"] = await make_area("网格A2", "grid", w.areas["comm_a"])
    w.accounts["grid_a2"] = await make_account("grid_a2", [(w.orgs["comm_a"]["id"], "grid_worker")])
    await make_post(w.areas["grid_a1"], w.accounts["grid_a"])
    await make_post(w.areas["grid_a2"], w.accounts["grid_a2"])
    household = await make_household(
        "grid_a",
        w.areas["grid_a1"],
        [
            {
                "name": MARKER,
                "gender": "female",
                "birth_year": 1950,
                "relation": "户主",
                "phone": "13912340000",
                "id_number": ID_NUMBER,
                "focus_groups": ["empty_nest_elderly"],
                "care_note": "独居",
                "consent_contact": True,
            }
        ],
    )
    w.orgs["household"] = {"id": household.id}
    return w


async def grant_records(
    client, w: World, grantee: str = "staff_a", ends_at: str = "2026-11-30T00:00:00+08:00"
) -> dict[str, Any]:
    """社区A's admin lends 网格A1's records to ``grantee`` (in a ``make_records_world``), by the API."""
    r = await client.post(
        "/api/v1/access-grants",
        headers=await login(client, "admin_a"),
        json={
            "account_id": w.accounts.get(grantee) or await account_id_of(grantee),
            "area_id": w.areas["grid_a1"]["id"],
            "purpose": "民政慰问名单核对",
            "ends_at": ends_at,
        },
    )
    assert r.status_code == 201, r.text
    return r.json()
