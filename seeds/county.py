"""Seed step: the county's area tree, its organisations, and one demo account per role."""

from __future__ import annotations

from typing import Any

from jinlin.accounts.tables import Account, Membership
from jinlin.areas.tables import Area
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.security import hash_password
from jinlin.orgs.tables import Organization, Registration
from seeds import names
from seeds.demo import DEMO_PASSWORD, SeedContext

BASE_LAT, BASE_LON = 35.10, 117.20  # a county in Shandong


async def _area(
    name: str,
    level: str,
    parent: dict[str, Any] | None,
    code: str,
    lat: float,
    lon: float,
    population: int | None = None,
) -> dict[str, Any]:
    now = clock.now()
    row = Area(
        name=name,
        level=level,
        parent=parent["id"] if parent else None,
        code=code,
        lat=round(lat, 5),
        lon=round(lon, 5),
        population=population,
        path="",
        created_at=now,
        updated_at=now,
    )
    await row.save()
    path = f"{parent['path'] if parent else '/'}{row.id}/"
    await Area.update({Area.path: path}).where(Area.id == row.id)
    return {"id": row.id, "path": path, "name": name, "lat": row.lat, "lon": row.lon, "level": level}


async def _org(name: str, kind: str, area: dict[str, Any], ctx: SeedContext) -> dict[str, Any]:
    now = clock.now()
    org = Organization(
        name=name,
        kind=kind,
        area=area["id"],
        contact_name=names.person(ctx.rng),
        contact_phone=names.phone(ctx.rng),
        created_at=now,
        updated_at=now,
    )
    await org.save()
    return {"id": org.id, "name": name, "kind": kind, "area": area}


async def _account(
    username: str, display: str, memberships: list[tuple[int, str]], ctx: SeedContext, password_hash: str
) -> int:
    now = clock.now()
    acc = Account(
        username=username,
        password_hash=password_hash,
        display_name=display,
        phone=names.phone(ctx.rng),
        locale="zh_CN",
        created_at=now,
        updated_at=now,
    )
    await acc.save()
    for org_id, role in memberships:
        await Membership.insert(Membership(account=acc.id, organization=org_id, role=role, created_at=now))
    return acc.id


async def seed(ctx: SeedContext) -> None:
    p, rng = ctx.params, ctx.rng
    password_hash = hash_password(DEMO_PASSWORD)  # one hash: Argon2 is slow on purpose
    async with write_transaction():
        county = await _area("近邻县", "county", None, "370000", BASE_LAT, BASE_LON, 520000)
        streets, communities, grids = [], [], []
        street_words = names.STREET_WORDS * (p["streets"] // len(names.STREET_WORDS) + 1)
        for s in range(p["streets"]):
            suffix = "街道" if s % 3 else "镇"
            name = f"{street_words[s]}{suffix}" if s < len(names.STREET_WORDS) else f"{street_words[s]}{s}{suffix}"
            street = await _area(
                name,
                "street",
                county,
                f"3700{s + 1:02d}",
                BASE_LAT + rng.uniform(-0.25, 0.25),
                BASE_LON + rng.uniform(-0.3, 0.3),
            )
            streets.append(street)
        for c in range(p["communities"]):
            street = streets[c % len(streets)]
            word = names.COMMUNITY_WORDS[c % len(names.COMMUNITY_WORDS)]
            name = (
                f"{word}社区" if c < len(names.COMMUNITY_WORDS) else f"{word}{c // len(names.COMMUNITY_WORDS) + 1}社区"
            )
            comm = await _area(
                name,
                "community",
                street,
                f"{3700 + c:04d}{c:04d}",
                street["lat"] + rng.uniform(-0.04, 0.04),
                street["lon"] + rng.uniform(-0.04, 0.04),
                rng.randrange(3000, 15000),
            )
            communities.append(comm)
            for g in range(p["grids"]):
                grid = await _area(
                    f"第{g + 1}网格",
                    "grid",
                    comm,
                    f"{comm['id']}-G{g + 1}",
                    comm["lat"] + rng.uniform(-0.005, 0.005),
                    comm["lon"] + rng.uniform(-0.005, 0.005),
                    rng.randrange(600, 3000),
                )
                grids.append(grid)
                for k in range(p["compounds"]):
                    cname = f"{rng.choice(names.COMMUNITY_WORDS)}{rng.choice(names.COMPOUND_WORDS)}"
                    compound = await _area(
                        cname,
                        "compound",
                        grid,
                        f"{grid['id']}-C{k + 1}",
                        grid["lat"] + rng.uniform(-0.002, 0.002),
                        grid["lon"] + rng.uniform(-0.002, 0.002),
                    )
                    for b in range(p["buildings"]):
                        await _area(
                            f"{b + 1}号楼",
                            "building",
                            compound,
                            f"{compound['id']}-B{b + 1}",
                            compound["lat"],
                            compound["lon"],
                        )
        county_org = await _org("近邻县委社会工作部", "agency", county, ctx)
        street_orgs = [await _org(f"{s['name']}办事处", "street_office", s, ctx) for s in streets]
        community_orgs = [await _org(f"{c['name']}居委会", "community", c, ctx) for c in communities]
        units: list[dict[str, Any]] = []
        kinds = ["enterprise", "agency", "village", "social_org", "volunteer_team"]
        for u in range(p["units"]):
            kind = kinds[u % len(kinds)]
            street = streets[u % len(streets)]
            if kind == "enterprise":
                name = f"{rng.choice(names.ENTERPRISE_WORDS)}{rng.choice(names.ENTERPRISE_TYPES)}"
            elif kind == "agency":
                name = names.AGENCIES[(u // 5) % len(names.AGENCIES)]
                if u // 5 >= len(names.AGENCIES):
                    name = f"{street['name']}{name.removeprefix('县')}"
            elif kind == "village":
                name = (
                    f"{rng.choice(names.COMMUNITY_WORDS)}{u}村" if u >= 25 else f"{rng.choice(names.COMMUNITY_WORDS)}村"
                )
            elif kind == "social_org":
                name = f"近邻县{names.SOCIAL_ORGS[(u // 5) % len(names.SOCIAL_ORGS)]}"
                if u // 5 >= len(names.SOCIAL_ORGS):
                    name = f"{street['name']}{names.SOCIAL_ORGS[(u // 5) % len(names.SOCIAL_ORGS)]}"
            else:
                name = f"{street['name']}{names.TEAMS[(u // 5) % len(names.TEAMS)]}"
            units.append(await _org(name, kind, street, ctx))
        # 双报到: units register with communities of their street.
        now = clock.now()
        for i, unit in enumerate(units):
            if unit["kind"] == "volunteer_team":
                continue
            same_street = [c for c in community_orgs if c["area"]["path"].startswith(unit["area"]["path"])]
            community = same_street[i % len(same_street)] if same_street else community_orgs[i % len(community_orgs)]
            await Registration.insert(
                Registration(
                    community=community["id"], kind="unit", organization=unit["id"], note="双报到", registered_at=now
                )
            )
        first_team = next(u for u in units if u["kind"] == "volunteer_team")
        first_enterprise = next(u for u in units if u["kind"] == "enterprise")
        c0 = community_orgs[0]
        demo_accounts = [
            ("county", "县管理员 周敏", [(county_org["id"], "county_admin")]),
            ("street", "街道管理员 李强", [(street_orgs[0]["id"], "street_admin")]),
            ("community", "社区书记 王芳", [(c0["id"], "community_admin")]),
            ("staff", "社区干事 赵磊", [(c0["id"], "community_staff")]),
            ("grid", "网格员 陈洋", [(c0["id"], "grid_worker")]),
            ("unit", "联络员 刘杰", [(first_enterprise["id"], "unit_liaison")]),
            ("leader", "队长 黄娟", [(first_team["id"], "team_leader")]),
            ("volunteer", "志愿者 吴涛", [(first_team["id"], "volunteer")]),
            ("community2", "社区书记 孙丽", [(community_orgs[1]["id"], "community_admin")]),
        ]
        accounts = {}
        for username, display, memberships in demo_accounts:
            accounts[username] = await _account(username, display, memberships, ctx, password_hash)
    ctx.ids.update(
        county=county,
        streets=streets,
        communities=communities,
        grids=grids,
        county_org=county_org,
        street_orgs=street_orgs,
        community_orgs=community_orgs,
        units=units,
        accounts=accounts,
    )
    ctx.counts.update(
        areas=await Area.count(), organizations=await Organization.count(), accounts=await Account.count()
    )
