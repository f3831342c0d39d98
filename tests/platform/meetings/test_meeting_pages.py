"""The meeting pages: a grid worker records a meeting from the form and the next one opens with its items."""

import re

from factories import csrf_token, make_records_world, page_login
from jinlin.posts.tables import Post


async def test_a_grid_worker_records_a_meeting_and_the_month_page_shows_it(client, frozen_clock):
    w = await make_records_world()
    grid = w.areas["grid_a1"]
    await page_login(client, "grid_a")
    token = await csrf_token(client, f"/meetings/new?grid_id={grid['id']}")
    post = (await Post.select(Post.id).where(Post.area == grid["id"]).first())["id"]
    r = await client.post(
        "/meetings/new",
        data={
            "_csrf_token": token,
            "grid_id": grid["id"],
            "held_on": "2026-11-18",
            "attendee_post_ids": str(post),
            "topics": "楼道堆物",
            "decisions": "周末清理",
            "item_title_0": "清理楼道",
            "item_due_0": "2026-11-25",
            "item_owner_0": str(w.accounts["grid_a"]),
        },
    )
    assert r.status_code == 303, r.text
    meeting_url = r.headers["location"]
    page = await client.get(meeting_url)
    assert "清理楼道" in page.text and "grid_a" in page.text
    form = await client.get(f"/meetings/new?grid_id={grid['id']}")
    assert 'data-testid="carried-items"' in form.text and "清理楼道" in form.text
    month = await client.get(f"/meetings?community_id={w.orgs['comm_a']['id']}&month=2026-11")
    assert month.status_code == 200 and re.search(r"/meetings/\d+", month.text)
    r = await client.post("/meetings/new", data={"_csrf_token": token, "grid_id": grid["id"], "held_on": "2027-01-01"})
    assert r.status_code == 400 and 'data-field="held_on"' in r.text


async def test_another_grids_worker_cannot_open_the_meeting_form(client, frozen_clock):
    w = await make_records_world()
    await page_login(client, "grid_a2")
    r = await client.get(f"/meetings/new?grid_id={w.areas['grid_a1']['id']}")
    assert r.status_code == 404
