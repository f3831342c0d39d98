import io
from datetime import timedelta

from openpyxl import load_workbook

from factories import login, make_account, make_org, make_world, page_login
from jinlin.activities.tables import Activity, HoursRecord, Shift, Signup
from jinlin.core import clock
from jinlin.matches.tables import Match
from jinlin.needs.tables import Need
from jinlin.notifications.tables import Notification
from jinlin.offers.tables import Offer
from jinlin.orgs.tables import Registration


async def _call(client, w):
    body = {
        "issuer_id": w.orgs["comm_a"]["id"],
        "title": "冬季送温暖",
        "categories": ["elder_care"],
        "quantity": 5,
        "unit": "人次",
    }
    r = await client.post("/api/v1/calls", json=body, headers=await login(client, "admin_a"))
    assert r.status_code == 201, r.text
    return r.json()


async def test_a_call_reaches_a_unit_registered_with_the_community_in_another_street_and_not_an_unregistered_one(
    client,
):
    w = await make_world()
    other = await make_org("西街企业", "enterprise", w.areas["comm_c"])  # another street, not registered
    await make_account("liaison3", [(other["id"], "unit_liaison")])
    await Registration.insert(
        Registration(
            community=w.orgs["comm_a"]["id"], kind="unit", organization=w.orgs["village"]["id"], status="active"
        )
    )  # 西街道's village
    call = await _call(client, w)
    notified = {
        n["organization"]
        for n in await Notification.select(Notification.organization).where(Notification.kind == "call_issued")
    }
    assert w.orgs["village"]["id"] in notified and other["id"] not in notified
    registered = await client.get("/api/v1/calls?status=open", headers=await login(client, "liaison2"))
    assert [c["id"] for c in registered.json()["items"]] == [call["id"]]
    assert (await client.get("/api/v1/calls?status=open", headers=await login(client, "liaison3"))).json()["total"] == 0
    r = await client.post(
        f"/api/v1/calls/{call['id']}/responses",
        json={"organization_id": w.orgs["village"]["id"], "quantity": 2},
        headers=await login(client, "liaison2"),
    )
    assert r.status_code in (200, 201), r.text
    refused = await client.post(
        f"/api/v1/calls/{call['id']}/responses",
        json={"organization_id": other["id"], "quantity": 2},
        headers=await login(client, "liaison3"),
    )
    assert refused.status_code == 404


async def _done_under_registration(w):
    now = clock.now()
    unit, comm = w.orgs["enterprise"], w.orgs["comm_c"]
    await Registration.insert(
        Registration(
            community=comm["id"],
            kind="unit",
            organization=unit["id"],
            status="active",
            registered_at=now - timedelta(days=30),
        ),
        Registration(
            community=comm["id"],
            kind="party_member",
            organization=unit["id"],
            account=w.accounts["liaison"],
            status="active",
            registered_at=now - timedelta(days=30),
        ),
    )
    need = Need(
        community_id=comm["id"],
        area_id=w.areas["comm_c"]["id"],
        title="修路灯",
        category="home_repair",
        quantity=3,
        colour="green",
        status="resolved",
    )
    await need.save()
    offer = Offer(
        organization_id=unit["id"],
        title="电工",
        category="home_repair",
        capacity=3,
        capacity_left=0,
        status="published",
    )
    await offer.save()
    await Match.insert(
        Match(
            need_id=need.id,
            offer_id=offer.id,
            community_id=comm["id"],
            provider_id=unit["id"],
            quantity=3,
            status="completed",
            completed_at=now - timedelta(days=2),
        )
    )
    activity = Activity(
        organizer=comm["id"], title="义诊", category="health", area=w.areas["comm_c"]["id"], status="finished"
    )
    await activity.save()
    shift = Shift(
        activity=activity.id,
        starts_at=now - timedelta(days=3),
        ends_at=now - timedelta(days=3, hours=-2),
        slots=5,
        slots_left=4,
        checkin_code="123456",
    )
    await shift.save()
    signup = Signup(shift=shift.id, volunteer=w.accounts["liaison"], status="completed", minutes=90)
    await signup.save()
    await HoursRecord.insert(
        HoursRecord(
            account=w.accounts["liaison"],
            kind="recorded",
            signup=signup.id,
            minutes=90,
            served_on=now - timedelta(days=3),
        )
    )


async def test_each_registration_shows_what_was_done_under_it(client):
    w = await make_world()
    await _done_under_registration(w)
    r = await client.get(
        f"/api/v1/organizations/{w.orgs['enterprise']['id']}/service-record", headers=await login(client, "liaison")
    )
    assert r.status_code == 200, r.text
    by_kind = {i["kind"]: i for i in r.json()}
    assert (by_kind["unit"]["matches_completed"], by_kind["unit"]["quantity_completed"]) == (1, 3)
    assert by_kind["unit"]["activity_hours"] == 1.5 and by_kind["party_member"]["activity_hours"] == 1.5
    assert (
        await client.get(
            f"/api/v1/organizations/{w.orgs['enterprise']['id']}/service-record",
            headers=await login(client, "liaison2"),
        )
    ).status_code == 404


async def test_a_units_record_is_read_where_it_is_located_or_registered_and_not_by_every_street(client):
    w = await make_world()
    await _done_under_registration(w)  # the enterprise (east street) registered with 社区C (west street)
    url = f"/api/v1/organizations/{w.orgs['enterprise']['id']}/service-record"
    for who, status in (("street_east", 200), ("admin_c", 200), ("street_west", 200), ("admin_b", 404)):
        assert (await client.get(url, headers=await login(client, who))).status_code == status, who
    village = f"/api/v1/organizations/{w.orgs['village']['id']}/service-record"  # west, registered nowhere
    assert (await client.get(village, headers=await login(client, "street_east"))).status_code == 404


async def test_a_unit_liaison_downloads_the_service_report_for_a_quarter_and_a_year(client, frozen_clock):
    w = await make_world()
    await _done_under_registration(w)
    headers = await login(client, "liaison")
    url = f"/api/v1/organizations/{w.orgs['enterprise']['id']}/service-report.xlsx"
    r = await client.get(f"{url}?year=2026&quarter=4", headers=headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "社区" and len(rows) == 3
    unit_row = next(x for x in rows[1:] if x[1] == "单位报到")
    assert unit_row[0] == "社区C居委会" and unit_row[5] == 1 and unit_row[9] == 1.5
    empty = list(
        load_workbook(
            io.BytesIO((await client.get(f"{url}?year=2026&quarter=1", headers=headers)).content)
        ).active.iter_rows(values_only=True)
    )
    assert all(x[5] == 0 and x[9] == 0 for x in empty[1:])  # registered in November: nothing in Q1
    assert (await client.get(f"{url}?year=2026&quarter=5", headers=headers)).status_code == 400
    assert (await client.get(f"{url}?year=2026", headers=await login(client, "liaison2"))).status_code == 404


async def test_a_registered_party_member_sees_the_communitys_needs_and_activities_on_the_home_page(client):
    w = await make_world()
    await Registration.insert(
        Registration(
            community=w.orgs["comm_c"]["id"],
            kind="party_member",
            organization=w.orgs["enterprise"]["id"],
            account=w.accounts["liaison"],
            status="active",
        )
    )
    await Need.insert(
        Need(
            community_id=w.orgs["comm_c"]["id"],
            area_id=w.areas["comm_c"]["id"],
            title="助餐志愿者",
            category="elder_care",
            quantity=2,
            colour="yellow",
            status="published",
        )
    )
    activity = Activity(
        organizer=w.orgs["comm_c"]["id"],
        title="敬老院陪伴",
        category="elder_care",
        area=w.areas["comm_c"]["id"],
        status="published",
    )
    await activity.save()
    await Shift.insert(
        Shift(
            activity=activity.id,
            starts_at=clock.now() + timedelta(days=2),
            ends_at=clock.now() + timedelta(days=2, hours=2),
            slots=5,
            slots_left=5,
            checkin_code="654321",
        )
    )
    await page_login(client, "liaison")
    assert "/posts/panel" in (await client.get("/")).text
    html = (await client.get("/posts/panel")).text
    assert "社区C居委会" in html and "助餐志愿者" in html and "敬老院陪伴" in html
    from factories import principal
    from jinlin.posts.workbench import items

    assert [i.title for i in await items(await principal("liaison"))] == ["助餐志愿者"]
    client.cookies.clear()
    await page_login(client, "liaison2")
    assert "助餐志愿者" not in (await client.get("/posts/panel")).text
