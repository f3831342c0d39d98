"""The organiser's activity page starts the roster run, shows its progress, then its invitations."""

from datetime import timedelta

from factories import csrf_token, login, make_activity, make_volunteer, make_world, principal
from jinlin.activities.tables import RosterInvitation, Signup
from jinlin.runs import service as runs
from jinlin.runs.schemas import MatchRunIn
from jinlin.runs.tables import MatchRun


async def test_the_organiser_rosters_from_the_activity_page_and_the_volunteer_confirms(client, frozen_clock):
    w = await make_world()
    staff = await login(client, "staff_a")
    start = frozen_clock.now + timedelta(days=3)
    activity = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["comm_a"]["id"],
        [{"start": start, "end": start + timedelta(hours=3), "slots": 2}],
    )
    await make_volunteer("xiaowang", area_ids=[w.areas["comm_a"]["id"]])
    page = await client.get(f"/activities/{activity['id']}")
    assert 'data-testid="roster-form"' in page.text and "排班" in page.text
    token = await csrf_token(client, f"/activities/{activity['id']}")
    r = await client.post(f"/activities/{activity['id']}/roster", data={"_csrf_token": token, "near_only": "1"})
    assert r.status_code == 303 and r.headers["location"] == f"/activities/{activity['id']}#roster"
    run = await MatchRun.select().where(MatchRun.kind == "roster").first().output(load_json=True)
    assert run["options"]["activity_id"] == activity["id"] and run["options"]["near_only"] is True
    await runs.wait_for(run["id"])
    page = await client.get(f"/activities/{activity['id']}")
    assert 'data-testid="roster-invitations"' in page.text and "xiaowang" in page.text and "已邀请" in page.text
    assert "排班完成：已发出 1 个邀请" in page.text
    # The shared run page sends the organiser to the activity, where roster results live.
    r = await client.get(f"/runs/{run['id']}")
    assert r.status_code in (302, 303) and r.headers["location"].startswith(f"/activities/{activity['id']}")

    await login(client, "xiaowang")
    assert 'data-testid="roster-section"' not in (await client.get(f"/activities/{activity['id']}")).text
    invitation = await RosterInvitation.select().first()
    token = await csrf_token(client, "/my/shifts")
    r = await client.post(f"/roster/invitations/{invitation['id']}/accept", data={"_csrf_token": token})
    assert r.status_code == 303
    assert (await Signup.select(Signup.status, Signup.source).first()) == {"status": "confirmed", "source": "roster"}


async def test_the_activity_page_shows_a_running_roster_run_as_a_progress_bar(client, frozen_clock):
    w = await make_world()
    staff = await login(client, "staff_a")
    start = frozen_clock.now + timedelta(days=3)
    activity = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["comm_a"]["id"],
        [{"start": start, "end": start + timedelta(hours=3), "slots": 2}],
    )
    queued = await runs.create_run(
        await principal("staff_a"), MatchRunIn(kind="roster", options={"activity_id": activity["id"]})
    )
    page = await client.get(f"/activities/{activity['id']}")
    assert f'hx-get="/runs/{queued["id"]}/progress"' in page.text and 'data-status="queued"' in page.text
    assert 'data-testid="roster-form"' not in page.text  # one run per activity at a time
    progress = await client.get(f"/runs/{queued['id']}/progress")
    assert progress.status_code == 200 and "排队中" in progress.text
    await runs.execute(queued["id"])
    progress = await client.get(f"/runs/{queued['id']}/progress")
    assert progress.headers.get("hx-refresh") == "true"
    page = await client.get(f"/activities/{activity['id']}")
    assert 'data-testid="roster-result"' in page.text and 'data-testid="roster-form"' in page.text
