"""A roster run (kind ``roster``) goes through the real worker path like any match run."""

from datetime import UTC, datetime, timedelta

import pytest

from factories import login, make_activity, make_volunteer, make_world
from jinlin.activities.tables import RosterInvitation
from jinlin.runs import service

pytestmark = [pytest.mark.redis]


async def test_a_roster_run_goes_through_a_real_worker_and_invites_once(celery_worker, client):
    w = await make_world()
    staff = await login(client, "staff_a")
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    activity = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["comm_a"]["id"],
        [
            {"start": start, "end": start + timedelta(hours=3), "slots": 2},
            {
                "start": start + timedelta(hours=1),
                "end": start + timedelta(hours=2),
                "slots": 2,
                "skills": ["first_aid"],
            },
        ],
    )
    near = [w.areas["comm_a"]["id"]]
    medic = await make_volunteer("medic", skills=["first_aid"], area_ids=near)
    plain = await make_volunteer("plain", area_ids=near)
    r = await client.post(f"/api/v1/activities/{activity['id']}/roster-runs", json={}, headers=staff)
    assert r.status_code == 201, r.text
    assert r.json()["status"] in ("queued", "running")
    row = await service.wait_for(r.json()["id"], timeout=90)
    assert row["status"] == "succeeded", row["error"]
    assert row["task_id"] and row["progress"] == 1.0 and row["kind"] == "roster"
    invitations = await RosterInvitation.select().where(RosterInvitation.run == row["id"])
    assert row["proposals"] == len(invitations) == 2
    # The two shifts overlap: each volunteer is invited once, and only the medic to the first aid shift.
    assert sorted(i["volunteer"] for i in invitations) == sorted([medic, plain])
    first_aid = activity["shifts"][1]["id"]
    assert [i["volunteer"] for i in invitations if i["shift"] == first_aid] in ([medic], [])
    # The task delivered again (acks_late) finds the run finished and invites nobody twice.
    from jinlin.runs.tasks import execute_run

    execute_run.delay(row["id"]).get(timeout=60)
    assert await RosterInvitation.count().where(RosterInvitation.run == row["id"]) == 2
