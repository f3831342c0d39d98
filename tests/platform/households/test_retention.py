"""Moving out keeps history; the retention job clears personal fields after the period and keeps counts."""

from datetime import timedelta

from factories import MARKER, login, make_records_world, principal
from jinlin.households import keeping
from jinlin.households.retention import clear_expired
from jinlin.households.tables import FocusMembership, Household, Resident


async def test_retention_clears_moved_out_residents_after_three_years_and_keeps_the_counts(client, frozen_clock):
    w = await make_records_world()
    hid = w.orgs["household"]["id"]
    await keeping.move_out_household(await principal("grid_a"), hid)
    assert await clear_expired() == 0  # moved out today: kept
    frozen_clock.advance(days=3 * 365 - 1)
    assert await clear_expired() == 0
    frozen_clock.advance(days=2)
    assert await clear_expired() == 1
    assert await clear_expired() == 0  # safe to run twice
    row = await Resident.select().first()
    assert row["name_enc"] == row["phone_enc"] == row["id_number_enc"] == row["id_hash"] == row["care_note_enc"] == ""
    assert row["cleared_at"] is not None and row["status"] == "moved_out"
    household = await Household.select().where(Household.id == hid).first()
    assert household["member_count"] == 1  # the anonymous count stays
    assert await FocusMembership.count() == 1
    r = await client.get(f"/api/v1/households/{hid}", headers=await login(client, "admin_a"))
    assert r.status_code == 200 and MARKER not in r.text and r.json()["residents"][0]["name"] == ""


async def test_active_residents_are_never_cleared(client, frozen_clock):
    await make_records_world()
    frozen_clock.advance(days=10 * 365)
    assert await clear_expired() == 0
    assert (await Resident.select().first())["name_enc"] != ""


async def test_the_retention_period_is_a_setting(client, frozen_clock):
    w = await make_records_world()
    await keeping.move_out_household(await principal("admin_a"), w.orgs["household"]["id"])
    frozen_clock.advance(days=31)
    assert await clear_expired(retention_days=30) == 1
    assert frozen_clock.now - (await Resident.select().first())["cleared_at"] < timedelta(seconds=1)
