"""Seed step: volunteers (志愿者) with profiles, activities in the past and the future, and hours.

Past activities are finished with checked-in, verified shifts (recorded hours, 积分时长); a few
volunteers also hold honorary hours (荣誉时长). Future ones are published with signups and, where
a shift is full, a waiting list. The demo account ``volunteer`` gets a profile and a history.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from jinlin.accounts.tables import Account, Membership
from jinlin.activities.tables import Activity, HoursRecord, Shift, Signup
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.security import hash_password
from jinlin.volunteers.tables import VolunteerProfile
from seeds import names
from seeds.demo import DEMO_PASSWORD, SeedContext

LOCAL = ZoneInfo("Asia/Shanghai")
SKILLS = ["急救", "驾驶", "理发", "维修", "心理疏导", "法律咨询", "陪伴聊天", "摄影", "教学辅导", "医护"]
TITLES = [
    ("elder_care", "敬老院陪伴志愿服务", []),
    ("environment", "小区环境清洁日", []),
    ("health", "社区义诊", ["医护"]),
    ("education", "四点半课堂作业辅导", ["教学辅导"]),
    ("safety", "防溺水安全巡查", ["急救"]),
    ("home_repair", "便民维修服务", ["维修"]),
    ("culture_sports", "社区文艺汇演服务", ["摄影"]),
    ("legal_aid", "法律咨询进社区", ["法律咨询"]),
]
VOLUNTEERS = {"small": 40, "county": 400, "city": 1500}
ACTIVITIES = {"small": 16, "county": 80, "city": 200}


def _at(day: datetime, hour: int) -> datetime:
    local = day.astimezone(LOCAL).replace(hour=hour, minute=0, second=0, microsecond=0)
    return local.astimezone(UTC)


async def _volunteers(ctx: SeedContext, password_hash: str) -> list[dict[str, Any]]:
    rng, now = ctx.rng, clock.now()
    communities = ctx.ids["communities"]
    community_orgs = ctx.ids["community_orgs"]
    teams = [u for u in ctx.ids["units"] if u["kind"] == "volunteer_team"]
    out = []
    for i in range(VOLUNTEERS.get(ctx.size, 40)):
        home = communities[i % len(communities)]
        acc = Account(
            username=f"vol{i + 1:03d}",
            password_hash=password_hash,
            display_name=names.person(rng),
            phone=names.phone(rng),
            locale="zh_CN",
            skills=sorted(rng.sample(SKILLS, rng.randrange(0, 3))),
            created_at=now,
            updated_at=now,
        )
        await acc.save()
        out.append({"id": acc.id, "skills": acc.skills, "home": home})
    demo = ctx.ids["accounts"].get("volunteer")
    if demo:
        await Account.update({Account.skills: ["急救", "陪伴聊天"]}).where(Account.id == demo)
        out.insert(0, {"id": demo, "skills": ["急救", "陪伴聊天"], "home": communities[0]})
    for i, v in enumerate(out):
        party = i % 5 == 0
        free = [{"weekday": d, "start": "08:00", "end": "20:00"} for d in (5, 6)]
        if i % 2:
            free += [{"weekday": d, "start": "18:00", "end": "21:00"} for d in range(5)]
        community_org = community_orgs[communities.index(v["home"])] if v["home"] in communities else None
        await VolunteerProfile.insert(
            VolunteerProfile(
                account=v["id"],
                availability=free,
                preferred_area_ids=[v["home"]["id"]],
                party_member=party,
                report_community=community_org["id"] if party and community_org else None,
                max_hours_per_week=rng.choice([None, 8.0, 12.0]),
                created_at=now,
                updated_at=now,
            )
        )
        if teams and i % 3 == 0 and v["id"] != demo:
            await Membership.insert(
                Membership(account=v["id"], organization=teams[i % len(teams)]["id"], role="volunteer", created_at=now)
            )
    return out


async def seed(ctx: SeedContext) -> None:
    rng, now = ctx.rng, clock.now()
    password_hash = hash_password(DEMO_PASSWORD)
    async with write_transaction():
        volunteers = await _volunteers(ctx, password_hash)
        organisers = ctx.ids["community_orgs"][:6] + [u for u in ctx.ids["units"] if u["kind"] == "volunteer_team"][:2]
        staff_id = ctx.ids["accounts"].get("community")
        counts = {"activities": 0, "shifts": 0, "signups": 0, "hours_records": 0}
        for n in range(ACTIVITIES.get(ctx.size, 16)):
            org = organisers[n % len(organisers)]
            category, title, skills = TITLES[n % len(TITLES)]
            past = n % 2 == 0
            day = now + timedelta(days=(-(n + 3) * 4 if past else n + 1))
            status = "finished" if past else ("cancelled" if n == 7 else ("draft" if n == 9 else "published"))
            activity = Activity(
                organizer=org["id"],
                created_by=staff_id,
                title=title,
                description=f"{org['name']}组织的{title}，欢迎报名。",
                category=category,
                area=org["area"]["id"],
                address=f"{org['area']['name']}活动中心",
                status=status,
                created_at=day - timedelta(days=10),
                updated_at=day - timedelta(days=10),
            )
            await activity.save()
            counts["activities"] += 1
            for k, (h1, h2) in enumerate([(9, 12), (14, 17)][: 1 + n % 2]):
                slots = rng.randrange(3, 8)
                start, end = _at(day, h1), _at(day, h2)
                shift = Shift(
                    activity=activity.id,
                    starts_at=start,
                    ends_at=end,
                    slots=slots,
                    slots_left=slots,
                    skills=skills if k == 0 else [],
                    checkin_code=f"{secrets.randbelow(10**6):06d}",
                    created_at=now,
                )
                await shift.save()
                counts["shifts"] += 1
                if status in ("draft", "cancelled"):
                    continue
                eligible = [v for v in volunteers if set(shift.skills) <= set(v["skills"])]
                chosen = rng.sample(eligible, min(len(eligible), slots + (2 if not past and n % 3 == 0 else 0)))
                if n in (0, 1) and volunteers and volunteers[0] not in chosen and not shift.skills:
                    chosen = [volunteers[0], *chosen[: slots - 1]]
                taken = 0
                for v in chosen:
                    holds = taken < slots
                    taken += holds
                    if past:
                        if not holds:
                            continue
                        came = rng.random() > 0.1
                        minutes = (
                            int((end - start).total_seconds() // 60) - rng.choice([0, 0, 15, 30]) if came else None
                        )
                        signup = Signup(
                            shift=shift.id,
                            volunteer=v["id"],
                            status="completed" if came else "no_show",
                            checked_in_at=start + timedelta(minutes=rng.randrange(-10, 10)) if came else None,
                            checked_out_at=end if came else None,
                            minutes=minutes,
                            verified_at=end + timedelta(hours=2) if came else None,
                            verified_by=staff_id,
                            created_at=start - timedelta(days=5),
                            updated_at=end,
                        )
                        await signup.save()
                        if came:
                            await HoursRecord.insert(
                                HoursRecord(
                                    account=v["id"],
                                    kind="recorded",
                                    signup=signup.id,
                                    minutes=minutes,
                                    served_on=start,
                                    organization=org["id"],
                                    created_by=staff_id,
                                    created_at=end,
                                )
                            )
                            counts["hours_records"] += 1
                    else:
                        await Signup.insert(
                            Signup(
                                shift=shift.id,
                                volunteer=v["id"],
                                status="signed_up" if holds else "waitlisted",
                                created_at=now,
                                updated_at=now,
                            )
                        )
                    counts["signups"] += 1
                await Shift.update({Shift.slots_left: slots - taken}).where(Shift.id == shift.id)
        for v in volunteers[:: max(1, len(volunteers) // 5)]:
            await HoursRecord.insert(
                HoursRecord(
                    account=v["id"],
                    kind="honorary",
                    minutes=rng.choice([120, 300, 600]),
                    served_on=now - timedelta(days=rng.randrange(30, 300)),
                    reason="疫情防控志愿服务表彰",
                    organization=ctx.ids["county_org"]["id"],
                    created_by=ctx.ids["accounts"].get("county"),
                    created_at=now,
                )
            )
            counts["hours_records"] += 1
    ctx.counts.update(volunteers=len(volunteers), **counts)
