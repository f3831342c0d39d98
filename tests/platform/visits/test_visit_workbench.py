"""Overdue visits reach the workbench (and with it the 督办 list): the address, never a resident's name."""

from factories import MARKER, make_records_world, principal
from jinlin.core.workbench import collect


async def test_an_overdue_visit_is_on_the_grid_workers_workbench_and_nobody_elses(client, frozen_clock):
    await make_records_world()
    assert [i for i in await collect(await principal("grid_a")) if i.group == "Overdue visits"] == []
    frozen_clock.advance(days=2)
    [item] = [i for i in await collect(await principal("grid_a")) if i.group == "Overdue visits"]
    assert item.title == "1号楼 1单元101" and item.href.startswith("/visits/new/") and MARKER not in str(item)
    assert item.due_at is not None and item.due_at < frozen_clock.now
    for username in ("grid_a2", "liaison", "street_east"):
        assert [i for i in await collect(await principal(username)) if i.group == "Overdue visits"] == []
