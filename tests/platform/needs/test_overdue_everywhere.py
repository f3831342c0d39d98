"""限时办结: one definition of overdue, the same on the need's page, in ``?overdue=true``, in the API
and in the KPI report (``core.deadlines``)."""

from datetime import timedelta

from factories import login, make_world
from jinlin.core import clock
from jinlin.needs.tables import Need


async def _need(w, title, *, published_ago, respond_in, resolve_in, responded=False, status="published"):
    now = clock.now()
    published = now - published_ago
    need = Need(
        community_id=w.orgs["comm_a"]["id"],
        area_id=w.areas["grid_a1"]["id"],
        title=title,
        category="elder_care",
        quantity=2,
        unit="人次",
        colour="red",
        status=status,
        published_at=published,
        respond_by=published + respond_in,
        resolve_by=published + resolve_in,
        responded_at=published + timedelta(minutes=30) if responded else None,
        created_at=published,
        updated_at=published,
    )
    await need.save()
    return need.id


async def test_a_red_need_unanswered_past_its_response_deadline_is_overdue_on_page_filter_api_and_kpis(client):
    w = await make_world()
    late = await _need(
        w, "独居老人送餐", published_ago=timedelta(hours=4), respond_in=timedelta(hours=3), resolve_in=timedelta(days=2)
    )
    answered = await _need(
        w,
        "已响应的需求",
        published_ago=timedelta(hours=4),
        respond_in=timedelta(hours=3),
        resolve_in=timedelta(days=2),
        responded=True,
    )
    in_time = await _need(
        w, "还来得及", published_ago=timedelta(hours=1), respond_in=timedelta(hours=3), resolve_in=timedelta(days=2)
    )
    past_resolve = await _need(
        w,
        "超期未办结",
        published_ago=timedelta(days=3),
        respond_in=timedelta(hours=3),
        resolve_in=timedelta(days=2),
        responded=True,
    )
    await _need(
        w,
        "已解决",
        published_ago=timedelta(days=3),
        respond_in=timedelta(hours=3),
        resolve_in=timedelta(days=2),
        status="resolved",
    )
    headers = await login(client, "county")

    api = {
        n: (await client.get(f"/api/v1/needs/{n}", headers=headers)).json()["overdue"]
        for n in (late, answered, in_time, past_resolve)
    }
    assert api == {late: True, answered: False, in_time: False, past_resolve: True}

    listed = (await client.get("/api/v1/needs?overdue=true", headers=headers)).json()
    assert sorted(n["id"] for n in listed["items"]) == sorted([late, past_resolve]) and listed["total"] == 2

    page = (await client.get(f"/needs/{late}", headers=headers)).text
    assert 'class="card overdue"' in page
    assert 'class="card overdue"' not in (await client.get(f"/needs/{answered}", headers=headers)).text

    kpis = (await client.get(f"/api/v1/reports/kpis?area_id={w.areas['county']['id']}", headers=headers)).json()
    assert kpis["overdue_needs"] == 2
    report_page = (await client.get(f"/reports?area_id={w.areas['county']['id']}", headers=headers)).text
    assert "独居老人送餐" in report_page and "超期未办结" in report_page and "已响应的需求" not in report_page
