"""通知 at phone size: a run's proposals are one bold notice that turns quiet once opened, and a liaison
changes how calls reach them on the preferences page."""

import pytest

from factories import PASSWORD, make_world
from jinlin.notifications.service import notify

pytestmark = pytest.mark.browser


async def _world() -> None:
    w = await make_world()
    for i in range(30):
        await notify(
            kind="match_proposed",
            title="A match was proposed for {title}",
            organization_id=w.orgs["enterprise"]["id"],
            params={"title": f"需求{i}"},
            link="/matches",
            group_key="run:1",
            group_title="{count} matches were proposed, the first for {title}",
            group_link="/matches",
        )


def _as(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")


def test_a_grouped_notice_reads_differently_once_opened_and_choices_save_on_a_phone(live_server, page):
    live_server.run(_world)
    url = live_server.url
    _as(page, live_server, "liaison")
    page.goto(f"{url}/notifications")
    notices = page.locator("[data-testid=notifications] li.notice")
    assert notices.count() == 1
    assert "共推荐了30个供需项目" in notices.first.inner_text() and "共30条" in notices.first.inner_text()
    assert notices.first.evaluate("e => getComputedStyle(e).fontWeight") == "600"
    notices.first.locator("a").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/matches")
    page.goto(f"{url}/notifications")
    notice = page.locator("[data-testid=notifications] li.notice").first
    assert notice.get_attribute("data-read") == "yes"
    assert notice.evaluate("e => getComputedStyle(e).fontWeight") == "400"

    page.goto(f"{url}/notifications/preferences")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.uncheck("input[name=channels_call_issued][value=sms]")
    page.click("[data-testid=preferences] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已保存" in page.inner_text("main")
    assert not page.is_checked("input[name=channels_call_issued][value=sms]")
    assert page.is_checked("input[name=channels_call_issued][value=email]")
