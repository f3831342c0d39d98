"""The whole marketplace loop at phone size, in Chinese: post, propose, accept, complete, rate."""

import re

import pytest

from factories import PASSWORD, make_world

pytestmark = pytest.mark.browser


def _as(page, live_server, username):
    """Log in as someone else through the form (the page lands on home)."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")


def test_a_community_and_a_unit_do_the_whole_loop(live_server, page):
    live_server.run(make_world)
    url = live_server.url

    # The community posts a need from the phone form.
    _as(page, live_server, "staff_a")
    page.goto(f"{url}/needs/new")
    page.fill("input[name=title]", "独居老人助餐")
    page.select_option("select[name=category]", "elder_care")
    page.fill("input[name=quantity]", "2")
    page.fill("input[name=unit]", "人次")
    page.select_option("select[name=urgency]", "3")
    page.check("input[name=beneficiary_groups][value=empty_nest_elderly]")
    page.click("[data-testid=need-submit]")
    page.wait_for_url(re.compile(r"/needs/\d+$"))
    need_url = page.url
    assert "已发布" in page.inner_text("[data-testid=need]")

    # The unit posts an offer and proposes it for the need.
    _as(page, live_server, "liaison")
    page.goto(f"{url}/offers/new")
    page.fill("input[name=title]", "员工志愿送餐")
    page.select_option("select[name=category]", "elder_care")
    page.fill("input[name=capacity]", "5")
    page.click("[data-testid=offer-submit]")
    page.wait_for_url(re.compile(r"/offers/\d+$"))
    page.goto(need_url)
    page.fill("[data-testid=offer-to-help] input[name=quantity]", "2")
    page.click("[data-testid=propose]")
    page.wait_for_url(re.compile(r"/matches/\d+$"))
    match_url = page.url
    # proposing is accepting for one's own side
    assert page.locator("[data-testid=match-accept-provider]").count() == 0

    # The community accepts, work starts, the community confirms completion and rates.
    _as(page, live_server, "staff_a")
    assert page.locator("#bell-count").inner_text() != ""
    page.goto(match_url)
    page.click("[data-testid=match-accept-community]")
    page.wait_for_load_state("networkidle")
    assert "已接受" in page.inner_text("[data-testid=match]")
    page.click("[data-testid=match-start]")
    page.wait_for_load_state("networkidle")
    page.click("[data-testid=match-complete]")
    page.wait_for_load_state("networkidle")
    assert "已完成" in page.inner_text("[data-testid=match]")
    page.select_option("select[name=score]", "5")
    page.fill("textarea[name=comment]", "送餐准时，老人满意")
    page.click("[data-testid=rate-submit]")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("[data-testid=rating-community]", "data-visible") == "yes"

    # The unit can't see the community's rating until it rates too; then it can.
    _as(page, live_server, "liaison")
    page.goto(match_url)
    assert page.get_attribute("[data-testid=rating-community]", "data-visible") == "no"
    assert "送餐准时" not in page.content()
    page.select_option("select[name=score]", "4")
    page.fill("textarea[name=comment]", "社区配合很好")
    page.click("[data-testid=rate-submit]")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("[data-testid=rating-community]", "data-visible") == "yes"
    assert "送餐准时，老人满意" in page.content()

    # And the community sees the unit's rating.
    _as(page, live_server, "staff_a")
    page.goto(match_url)
    assert page.get_attribute("[data-testid=rating-provider]", "data-visible") == "yes"
    assert "社区配合很好" in page.content()
    page.goto(need_url)
    assert "已解决" in page.inner_text("[data-testid=need]")
