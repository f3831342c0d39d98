"""号召 at phone size, in Chinese: community staff issue a call for a need, a unit liaison sees it on their
home page and pledges from the phone, staff turn the pledge into a match."""

import re

import pytest

from factories import PASSWORD, make_need, make_world

pytestmark = pytest.mark.browser


async def _world() -> None:
    w = await make_world()
    await make_need("staff_a", w.orgs["comm_a"], title="防汛沙袋", category="materials", quantity=20, unit="袋")


def _as(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")


def test_staff_issue_a_call_a_unit_pledges_from_home_and_staff_match_the_pledge(live_server, page):
    live_server.run(_world)
    url = live_server.url

    # Community staff issue the call from the phone form, for the open need.
    _as(page, live_server, "staff_a")
    page.goto(f"{url}/calls/new")
    assert "发布号召" in page.inner_text("h1")
    page.fill("input[name=title]", "汛期防汛沙袋号召")
    page.check("input[name=categories][value=materials]")
    page.fill("input[name=quantity]", "20")
    page.fill("input[name=unit]", "袋")
    page.check("input[name=unit_kinds][value=enterprise]")
    page.check("input[name=need_ids]")
    page.click("[data-testid=call-submit]")
    page.wait_for_url(re.compile(r"/calls/\d+$"))
    call_url = page.url
    assert "征集中" in page.inner_text("[data-testid=call-status]")

    # The enterprise's liaison finds it on the home page (a lazy panel) and pledges.
    _as(page, live_server, "liaison")
    panel = page.locator("[data-testid=calls-panel]")
    panel.locator("text=汛期防汛沙袋号召").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    panel.locator("text=汛期防汛沙袋号召").click()
    page.wait_for_url(call_url)
    page.fill("[data-testid=pledge-form] input[name=quantity]", "12")
    page.fill("[data-testid=pledge-form] textarea[name=note]", "明早八点送到社区")
    page.click("[data-testid=pledge-submit]")
    page.wait_for_load_state("networkidle")
    assert "明早八点送到社区" in page.inner_text("[data-testid=call-responses]")
    assert page.locator("[data-testid=pledge-form]").count() == 0

    # Staff see the pledge arrive and turn it into a match for the need.
    _as(page, live_server, "staff_a")
    page.goto(call_url)
    assert page.inner_text("[data-testid=call-pledged]") == "12"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # usable without sideways scrolling
    page.locator("[data-testid^=match-pledge-]").click()
    page.wait_for_load_state("networkidle")
    link = page.locator("[data-testid=pledge-match]")
    assert link.count() == 1 and "已转为项目" in page.inner_text("[data-testid=call-responses]")
    link.click()
    page.wait_for_url(re.compile(r"/matches/\d+$"))
    assert "防汛沙袋" in page.inner_text("[data-testid=match]")
