"""今日待办 on a phone (390 × 844), in Chinese: community staff see what is late first and reach it in one tap."""

from datetime import timedelta

import pytest

from factories import PASSWORD, make_need, make_world
from jinlin.core import clock

pytestmark = pytest.mark.browser


async def _world() -> int:
    w = await make_world()
    now = clock.now()
    need = await make_need(
        "admin_a",
        w.orgs["comm_a"],
        title="独居老人家中断水" + "，急需维修" * 12,
        respond_by=now - timedelta(hours=2),
        resolve_by=now + timedelta(hours=6),
        colour="red",
    )
    await make_need(
        "admin_a",
        w.orgs["comm_a"],
        title="楼道灯坏",
        respond_by=now + timedelta(hours=3),
        resolve_by=now + timedelta(hours=20),
        colour="orange",
    )
    return need.id


def test_the_workbench_shows_late_needs_first_and_opens_one_in_a_tap(live_server, page):
    need_id = live_server.run(_world)
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=username]", "admin_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")

    bench = page.locator("[data-testid=workbench]")
    assert "今日待办" in bench.inner_text()
    groups = bench.locator("[data-testid=workbench-group]").all_inner_texts()
    assert groups[0].startswith("超时未办结需求") and groups[1].startswith("即将到期的需求")
    first = bench.locator("[data-testid=workbench-item]").first
    assert "期限" in first.inner_text() and "红" in first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the long title wraps
    first.locator("a").click()
    page.wait_for_url(f"{live_server.url}/needs/{need_id}")
