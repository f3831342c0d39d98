"""The county and street home page's 今日待办 counts overdue and new needs per child area in SQL: the same
numbers as the one overdue definition (``is_overdue``) applied to every need in Python, boundaries included."""

from datetime import timedelta

from factories import make_need, make_world
from jinlin.areas.tables import Area
from jinlin.core import clock
from jinlin.core.deadlines import is_overdue
from jinlin.home.workbench import WEEK, child_counts
from jinlin.needs.service import OPEN_STATUSES
from jinlin.needs.tables import Need


async def _python_counts(parent_path: str, children: list[dict], now) -> dict[int, list[int]]:
    score = {c["id"]: [0, 0] for c in children}
    for r in await Need.select(*Need.all_columns(), Need.area_id.path):
        child = next((c["id"] for c in children if r["area_id.path"].startswith(c["path"])), None)
        if child is None:
            continue
        late = is_overdue(
            now,
            is_open=r["status"] in OPEN_STATUSES,
            respond_by=r["respond_by"],
            responded_at=r["responded_at"],
            resolve_by=r["resolve_by"],
        )
        score[child][0] += late
        score[child][1] += r["created_at"] >= now - WEEK
    return score


async def test_the_per_area_counts_are_the_overdue_definition_at_its_boundaries(client, frozen_clock):
    w = await make_world()
    now = clock.now()
    second = timedelta(seconds=1)
    # (community, area, status, respond_by, responded, resolve_by, created): each one boundary of the rule.
    cases = [
        ("comm_a", "comm_a", "published", now - second, False, now + timedelta(days=1), now),  # late response
        ("comm_a", "grid_a1", "published", now - second, True, now + timedelta(days=1), now),  # responded: not late
        ("comm_a", "grid_a1", "published", now, False, now + timedelta(days=1), now),  # exactly at respond-by: not
        ("comm_a", "comm_a", "in_progress", now - timedelta(days=2), True, now - second, now),  # past resolve-by
        ("comm_a", "comm_a", "matched", now - timedelta(days=2), True, now, now - WEEK),  # exactly at resolve-by
        ("comm_b", "grid_b1", "resolved", now - timedelta(days=2), True, now - timedelta(days=1), now),  # closed
        ("comm_b", "comm_b", "published", None, False, now - second, now - WEEK - second),  # old, late
        ("comm_c", "comm_c", "published", now - second, False, None, now - timedelta(days=30)),
        ("comm_c", "comm_c", "draft", now - timedelta(days=2), False, now - timedelta(days=1), now),  # not open
    ]
    for community, area, status, respond_by, responded, resolve_by, created in cases:
        need = await make_need(
            f"admin_{community[-1]}", w.orgs[community], area_id=w.areas[area]["id"], publish=status != "draft"
        )
        await Need.update(
            {
                Need.status: status,
                Need.respond_by: respond_by,
                Need.responded_at: now - timedelta(days=3) if responded else None,
                Need.resolve_by: resolve_by,
                Need.created_at: created,
            }
        ).where(Need.id == need.id)
    for parent in ("county", "east", "west"):
        path = w.areas[parent]["path"]
        children = await Area.select(Area.id, Area.name, Area.path).where(Area.parent == w.areas[parent]["id"])
        assert await child_counts(path, children, now) == await _python_counts(path, children, now)
    county = w.areas["county"]["path"]
    streets = await Area.select(Area.id, Area.name, Area.path).where(Area.parent == w.areas["county"]["id"])
    by_name = {
        c["name"]: v for c in streets for k, v in (await child_counts(county, streets, now)).items() if k == c["id"]
    }
    assert by_name == {"东街道": [3, 6], "西街道": [1, 1]}  # new: any status, created at or after a week ago
