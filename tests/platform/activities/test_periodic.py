from datetime import timedelta

from factories import login, make_activity, make_volunteer, make_world
from jinlin.core import periodic
from jinlin.core.celery import BEAT_SCHEDULE
from jinlin.notifications.tables import Notification


def test_every_beat_entry_has_an_async_body_the_web_process_can_run():
    import inspect

    for entry in BEAT_SCHEDULE.values():
        assert inspect.iscoroutinefunction(periodic.body_for(entry["task"]))


async def test_the_embedded_timer_sends_due_reminders(client, frozen_clock):
    w = await make_world()
    staff = await login(client, "staff_a")
    start = frozen_clock.now + timedelta(hours=5)
    activity = await make_activity(
        client,
        staff,
        w.orgs["comm_a"]["id"],
        w.areas["comm_a"]["id"],
        [{"start": start, "end": start + timedelta(hours=1), "slots": 1}],
    )
    vid = await make_volunteer("v1")
    await client.post(f"/api/v1/shifts/{activity['shifts'][0]['id']}/signups", headers=await login(client, "v1"))
    now = {"t": frozen_clock.now}
    last_runs = {name: now["t"] - timedelta(hours=1) for name in BEAT_SCHEDULE}
    ran = await periodic.run_due(last_runs, lambda: now["t"])
    assert "shift-reminders" in ran
    assert [n["kind"] for n in await Notification.select().where(Notification.account == vid)] == ["shift_reminder"]
    # Just run: nothing is due again at once.
    assert await periodic.run_due(last_runs, lambda: now["t"]) == []
