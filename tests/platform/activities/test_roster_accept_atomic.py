"""Accepting a roster invitation is one state change: the place on the shift and the answer together."""

from datetime import timedelta

import pytest

from factories import login, make_activity, make_volunteer, make_world, principal
from jinlin.activities import roster
from jinlin.activities.tables import RosterInvitation, Shift, Signup
from jinlin.runs import service as runs


async def test_an_acceptance_that_fails_after_taking_the_place_keeps_the_place_free_and_the_invitation_open(
    client, frozen_clock, monkeypatch
):
    w = await make_world()
    staff = await login(client, "staff_a")
    start = frozen_clock.now + timedelta(days=3)
    activity = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["grid_a1"]["id"],
        [{"start": start, "end": start + timedelta(hours=3), "slots": 2}],
    )
    volunteer = await make_volunteer("plain", area_ids=[w.areas["comm_a"]["id"]])
    r = await client.post(f"/api/v1/activities/{activity['id']}/roster-runs", json={}, headers=staff)
    assert r.status_code == 201, r.text
    await runs.wait_for(r.json()["id"])
    invitation = await RosterInvitation.select().where(RosterInvitation.volunteer == volunteer).first()
    shift_id = activity["shifts"][0]["id"]

    async def broken_record(*args, **kwargs):
        raise RuntimeError("the audit write failed")

    monkeypatch.setattr(roster, "record", broken_record)
    with pytest.raises(RuntimeError):
        await roster.answer_invitation(await principal("plain"), invitation["id"], accept=True)
    assert not await Signup.exists().where(Signup.volunteer == volunteer)
    assert (await Shift.select(Shift.slots_left).where(Shift.id == shift_id).first())["slots_left"] == 2
    assert (await RosterInvitation.select().where(RosterInvitation.id == invitation["id"]).first())[
        "status"
    ] == "invited"

    monkeypatch.undo()
    answered = await roster.answer_invitation(await principal("plain"), invitation["id"], accept=True)
    assert answered.status == "accepted"
    assert (await Signup.select(Signup.status).where(Signup.volunteer == volunteer).first())["status"] == "confirmed"
