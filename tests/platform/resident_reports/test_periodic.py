"""The deadline job runs from Celery beat on a real worker (services) and from the web process (embedded),
and is harmless when two runs overlap."""

import asyncio
import time
from datetime import timedelta

from jinlin.core import clock
from jinlin.core.celery import BEAT_SCHEDULE
from jinlin.notifications.tables import Notification
from jinlin.resident_reports.tables import ReportAlert, ResidentReport
from jinlin.resident_reports.tasks import enforce_deadlines, enforce_deadlines_body


async def _late_report(file_report, world, days=4):
    real = clock.now()
    clock.set_clock(lambda: real - timedelta(days=days))
    try:
        code = await file_report(world.areas["building_a1"])
    finally:
        clock.set_clock(None)
    return code


async def test_the_deadline_job_is_on_beats_schedule_and_the_embedded_timer_runs_it(world, file_report):
    from jinlin.core.periodic import body_for, run_due

    entry = next(e for e in BEAT_SCHEDULE.values() if e["task"] == enforce_deadlines.name)
    assert body_for(entry["task"]) is enforce_deadlines_body
    code = await _late_report(file_report, world)
    long_ago = {name: clock.now() - timedelta(days=1) for name in BEAT_SCHEDULE}
    assert any(name for name in await run_due(long_ago, clock.now) if BEAT_SCHEDULE[name] is entry)
    assert (await ResidentReport.select().where(ResidentReport.code == code).first())["level"] == "community"


async def test_two_overlapping_runs_fire_each_reminder_and_escalation_once(world, file_report):
    await _late_report(file_report, world)
    counts = await asyncio.gather(enforce_deadlines_body(), enforce_deadlines_body(), enforce_deadlines_body())
    # Four days late: the escalation for the missed acceptance and the 50 % reminder to resolve (84 h).
    assert sum(counts) == await ReportAlert.count() == 2
    assert await Notification.count().where(Notification.kind == "report_escalated") == 1


async def test_the_deadline_job_runs_on_a_real_worker_once_however_often_it_is_sent(celery_worker, world, file_report):
    code = await _late_report(file_report, world)
    results = [enforce_deadlines.delay() for _ in range(2)]
    deadline = time.monotonic() + 60
    while not all(r.ready() for r in results):
        assert time.monotonic() < deadline, "the worker did not finish"
        await asyncio.sleep(0.2)
    assert sorted(r.get() for r in results) == [0, 2]
    row = await ResidentReport.select().where(ResidentReport.code == code).first()
    assert row["level"] == "community" and row["escalation_count"] == 1
    assert await Notification.count().where(Notification.kind == "report_escalated") == 1
