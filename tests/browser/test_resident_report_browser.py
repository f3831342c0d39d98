"""接诉即办 at phone size, in Chinese: a resident reports from the building's link without an account, the
grid worker accepts (sets the colour) and resolves it, and the resident rates it on the tracking page."""

import re

import pytest

from factories import PASSWORD, make_report_world

pytestmark = pytest.mark.browser


async def _world() -> dict:
    w = await make_report_world()
    return {"building": w.areas["building_a1"]["id"]}


def test_a_resident_reports_the_grid_worker_resolves_it_and_the_resident_rates_it(live_server, page):
    setup = live_server.run(_world)
    url = live_server.url

    page.goto(f"{url}/report/{setup['building']}")
    assert "1号楼" in page.inner_text("[data-testid=report-place]")
    page.select_option("select[name=category]", "facilities")
    page.fill("textarea[name=description]", "楼道灯坏了，晚上看不见")
    page.fill("input[name=phone]", "13912345678")
    page.click("[data-testid=report-submit]")  # without consent: refused, the input kept
    assert page.locator("[data-field=consent]").is_visible()
    assert page.input_value("textarea[name=description]") == "楼道灯坏了，晚上看不见"
    page.check("input[name=consent]")
    page.click("[data-testid=report-submit]")
    page.wait_for_url(re.compile(r"/track/[A-Z0-9]+"))
    code = page.inner_text("[data-testid=tracking-code]")
    assert page.get_attribute("[data-testid=track-status]", "data-status") == "submitted"
    track_url = page.url.split("?")[0]

    # The grid worker on post finds it in the queue, accepts it with a colour, and resolves it.
    page.goto(f"{url}/login")
    page.fill("input[name=username]", "grid_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{url}/resident-reports")
    page.click("[data-testid=reports] a")
    page.wait_for_url(re.compile(r"/resident-reports/\d+$"))
    assert page.inner_text("[data-testid=report-phone]") == "13912345678"
    page.select_option("[data-testid=accept-card] select[name=urgency]", "3")
    page.select_option("[data-testid=accept-card] select[name=importance]", "3")
    page.click("[data-testid=accept]")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("[data-testid=report-status]", "data-status") == "accepted"
    assert page.locator("[data-colour=red]").count() >= 1
    page.fill("[data-testid=resolve-card] textarea[name=note]", "已更换楼道灯")
    page.click("[data-testid=resolve]")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("[data-testid=report-status]", "data-status") == "resolved"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The resident, logged out, rates it from the tracking page.
    page.context.clear_cookies()
    page.goto(track_url)
    assert page.inner_text("[data-testid=tracking-code]") == code
    assert page.inner_text("[data-testid=track-note]") == "已更换楼道灯"
    page.check("input[name=satisfaction][value=satisfied]")
    page.click("[data-testid=rate-submit]")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("[data-testid=track-status]", "data-status") == "closed"
    assert page.inner_text("[data-testid=track-rating]") == "满意"
