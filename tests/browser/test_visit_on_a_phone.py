"""A grid worker on a phone (390 × 844): open the visit list, record a visit, turn the follow-up into a need."""

import re

import pytest

from factories import MARKER, PASSWORD, make_records_world

pytestmark = pytest.mark.browser


def test_a_grid_worker_records_a_visit_with_a_follow_up_need_from_the_visit_list(live_server, page):
    live_server.run(make_records_world)
    url = live_server.url
    page.goto(f"{url}/login")
    page.fill("input[name=username]", "grid_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")

    page.goto(f"{url}/visits")
    item = page.locator("[data-testid=due-household]")
    assert item.count() == 1 and "1号楼 1单元101" in item.inner_text() and "空巢老人" in item.inner_text()
    assert MARKER not in page.content()  # the list shows addresses, not names
    page.locator("[data-testid=due-household] a.button").click()
    page.wait_for_url(re.compile(r"/visits/new/\d+$"))
    box = page.locator("[data-testid=visit-submit]").bounding_box()
    assert box and box["x"] + box["width"] <= 390  # fits the phone's width

    page.check("[data-testid=method-phone]")
    page.fill("textarea[name=findings]", "老人腿脚不便，独自做饭困难")
    page.fill("textarea[name=follow_up]", "联系助餐服务")
    page.check("[data-testid=make-need]")
    page.fill("input[name=need_title]", f"为{MARKER}助餐")  # a name in the need is refused, the input kept
    page.click("[data-testid=visit-submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("em.error[data-field=need_title]").count() == 1
    assert page.locator("textarea[name=findings]").input_value() == "老人腿脚不便，独自做饭困难"

    page.fill("input[name=need_title]", "独居老人每日助餐")
    page.select_option("select[name=need_category]", "elder_care")
    page.click("[data-testid=visit-submit]")
    page.wait_for_url(re.compile(r"/visits\?done=1$"))
    assert "走访已记录" in page.inner_text("[data-testid=visit-saved]")
    assert page.locator("[data-testid=due-household]").count() == 0  # visited today: not due for a week

    page.goto(f"{url}/needs")
    assert "独居老人每日助餐" in page.inner_text("[data-testid=needs-list]")
    assert MARKER not in page.content()
