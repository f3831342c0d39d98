"""Who may accept a report from the queue, asked for many reports at once (the home page's 今日待办): the same
answer as ``can_handle`` asked report by report."""

from factories import principal
from jinlin.resident_reports import access
from jinlin.resident_reports.tables import ResidentReport


async def test_the_batch_rule_is_can_handle_for_every_report_and_account(client, world, file_report):
    await file_report(world.areas["building_a1"])  # 网格A1: grid_a holds its post
    await file_report(world.areas["building_b1"])  # 网格B1: no post
    await file_report(world.areas["grid_a1"])  # the grid itself
    rows = await ResidentReport.select(*ResidentReport.all_columns(), ResidentReport.area.path)
    assert len(rows) == 3
    seen = set()
    for username in ("grid_a", "staff_a", "admin_b", "street_east", "county", "liaison"):
        who = await principal(username)
        can = await access.handler(who, rows)
        for row in rows:
            expected = await access.can_handle(who, row)
            assert can(row) == expected, (username, row["id"])
            assert (await access.handler(who, [row]))(row) == expected, (username, row["id"])
            seen.add(expected)
    assert seen == {True, False}
