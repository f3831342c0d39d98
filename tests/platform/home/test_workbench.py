"""今日待办: each role's items, grouped, each one tap from its action, with absolute deadlines."""

from datetime import timedelta

from factories import make_need, make_offer, make_volunteer, make_world, page_login, principal
from jinlin.calls import service as calls
from jinlin.calls.schemas import CallIn, ResponseIn
from jinlin.core import clock
from jinlin.core.workbench import collect
from jinlin.matches import service as matches
from jinlin.matches.tables import Match
from jinlin.volunteers import service as volunteers


def _by_group(items):
    out = {}
    for item in items:
        out.setdefault(item.group, []).append(item)
    return out


async def _county_day(w):
    now = clock.now()
    late = await make_need(
        "admin_a",
        w.orgs["comm_a"],
        title="独居老人断水",
        respond_by=now - timedelta(hours=5),
        resolve_by=now - timedelta(hours=1),
        colour="red",
    )
    soon = await make_need(
        "admin_a",
        w.orgs["comm_a"],
        title="楼道灯坏",
        respond_by=now + timedelta(hours=3),
        resolve_by=now + timedelta(hours=20),
        colour="orange",
    )
    calm = await make_need(
        "admin_a",
        w.orgs["comm_a"],
        title="读书角",
        respond_by=now + timedelta(days=5),
        resolve_by=now + timedelta(days=9),
        colour="green",
    )
    offer = await make_offer("liaison", w.orgs["enterprise"], title="员工志愿助老", capacity=10)
    proposal = await matches.create_match(None, soon.id, offer.id, 2, source="run")
    call = await calls.create_call(
        await principal("admin_a"),
        CallIn(
            issuer_id=w.orgs["comm_a"]["id"],
            title="防汛物资召集",
            categories=["materials"],
            quantity=100,
            unit="袋",
            respond_by=now + timedelta(hours=6),
        ),
    )
    await calls.respond(
        await principal("liaison"), call.id, ResponseIn(organization_id=w.orgs["enterprise"]["id"], quantity=40)
    )
    return {"late": late, "soon": soon, "calm": calm, "offer": offer, "proposal": proposal, "call": call}


async def test_a_community_sees_its_overdue_and_nearly_due_needs_proposals_and_pledges(client):
    w = await make_world()
    day = await _county_day(w)
    groups = _by_group(await collect(await principal("admin_a")))
    assert [i.href for i in groups["Overdue needs"]] == [f"/needs/{day['late'].id}"]
    assert groups["Overdue needs"][0].colour == "red" and groups["Overdue needs"][0].due_at is not None
    assert [i.href for i in groups["Needs due soon"]] == [f"/needs/{day['soon'].id}"]
    assert [i.href for i in groups["Proposals waiting for your side"]] == [f"/matches/{day['proposal'].id}"]
    assert [i.href for i in groups["Pledges to turn into matches"]] == [f"/calls/{day['call'].id}"]
    assert all(f"/needs/{day['calm'].id}" != i.href for i in await collect(await principal("admin_a")))


async def test_a_unit_sees_proposals_for_its_side_calls_to_answer_and_ratings_to_give(client):
    w = await make_world()
    day = await _county_day(w)
    liaison = _by_group(await collect(await principal("liaison")))
    assert [i.href for i in liaison["Proposals waiting for your side"]] == [f"/matches/{day['proposal'].id}"]
    assert "Calls to answer" not in liaison  # it has pledged already
    team = _by_group(await collect(await principal("leader")))
    assert [i.href for i in team["Calls to answer"]] == [f"/calls/{day['call'].id}"]
    assert "Calls to answer" not in _by_group(await collect(await principal("liaison2")))  # west: not called
    # once the community accepts, its side no longer waits; the provider's still does
    await matches.accept_match(await principal("admin_a"), day["proposal"].id, "community")
    assert "Proposals waiting for your side" not in _by_group(await collect(await principal("admin_a")))
    await matches.accept_match(await principal("liaison"), day["proposal"].id, "provider")
    await Match.update({Match.status: "completed", Match.completed_at: clock.now()}).where(
        Match.id == day["proposal"].id
    )
    liaison = _by_group(await collect(await principal("liaison")))
    assert [i.href for i in liaison["Ratings still to give"]] == [f"/matches/{day['proposal'].id}"]
    assert "Proposals waiting for your side" not in liaison


async def test_a_team_leader_sees_join_requests_and_a_volunteer_nothing_of_theirs(client):
    w = await make_world()
    newcomer = await make_volunteer("newcomer")
    await volunteers.request_to_join(await principal("newcomer"), w.orgs["team"]["id"])
    groups = _by_group(await collect(await principal("leader")))
    assert [i.title for i in groups["Join requests"]] == ["newcomer"] and newcomer
    assert await collect(await principal("volunteer")) == []


async def test_street_and_county_staff_see_their_subtree_and_the_worst_areas_this_week(client):
    w = await make_world()
    day = await _county_day(w)
    for username, worst in (("county", "东街道"), ("street_east", "社区A")):
        groups = _by_group(await collect(await principal(username)))
        assert f"/needs/{day['late'].id}" in [i.href for i in groups["Overdue needs"]]
        assert [i.title for i in groups["Areas needing attention this week"]] == [worst]
    west = _by_group(await collect(await principal("street_west")))
    assert "Overdue needs" not in west and "Areas needing attention this week" not in west


async def test_the_home_page_shows_the_items_grouped_with_the_deadline_in_china_time(client):
    w = await make_world()
    day = await _county_day(w)
    await page_login(client, "admin_a")
    html = (await client.get("/")).text
    assert "今日待办" in html and "超时未办结需求" in html and "待我方确认的匹配" in html
    assert f'href="/needs/{day["late"].id}"' in html
    assert clock.local(day["late"].respond_by, "%Y-%m-%d %H:%M") in html  # respond-by: nobody responded yet


async def test_an_account_with_nothing_to_do_is_told_so(client):
    await make_world()
    await page_login(client, "admin_c")
    assert "暂无待办事项" in (await client.get("/")).text
