"""Capacities and pairs under concurrency: conditional updates and the database's own uniqueness."""

import asyncio
from datetime import timedelta

from factories import login, make_activity, make_need, make_offer, make_world
from jinlin.activities.tables import Shift
from jinlin.matches.tables import Match


async def test_concurrent_slot_edits_never_leave_more_places_than_slots(client, frozen_clock):
    w = await make_world()
    staff = await login(client, "staff_a")
    start = frozen_clock.now + timedelta(days=1)
    activity = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["comm_a"]["id"],
        [{"start": start, "end": start + timedelta(hours=1), "slots": 3}],
    )
    shift_id = activity["shifts"][0]["id"]
    answers = await asyncio.gather(
        *(client.patch(f"/api/v1/shifts/{shift_id}", json={"slots": 5 + i % 3}, headers=staff) for i in range(12))
    )
    assert all(a.status_code in (200, 409) for a in answers), [a.text for a in answers if a.status_code >= 500]
    row = await Shift.select(Shift.slots, Shift.slots_left).where(Shift.id == shift_id).first()
    assert row["slots_left"] == row["slots"]  # nobody signed up: every place is free, no more


async def test_concurrent_proposals_of_one_pair_make_one_match_and_409s(client):
    w = await make_world()
    need = await make_need("admin_a", w.orgs["comm_a"])
    offer = await make_offer("liaison", w.orgs["enterprise"])
    admin = await login(client, "admin_a")
    answers = await asyncio.gather(
        *(
            client.post(
                "/api/v1/matches", headers=admin, json={"need_id": need.id, "offer_id": offer.id, "quantity": 1}
            )
            for _ in range(20)
        )
    )
    codes = sorted(a.status_code for a in answers)
    assert codes.count(201) == 1 and codes.count(409) == 19, codes
    assert all("offer_id" in a.json()["error"]["fields"] for a in answers if a.status_code == 409)
    assert await Match.count() == 1
