"""The foundation in a real browser at phone size: log in, switch language, see home, log out."""

import pytest

from factories import PASSWORD, make_world

pytestmark = pytest.mark.browser


def test_a_community_admin_logs_in_switches_to_english_sees_home_and_logs_out(live_server, page):
    live_server.run(make_world)
    page.goto(f"{live_server.url}/")
    assert "/login" in page.url
    page.fill("input[name=username]", "admin_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=home-community]").is_visible()
    assert "社区A居委会" in page.content()
    assert page.locator("text=退出").first.is_visible()

    page.click("[data-testid=switch-en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=logout]").inner_text().strip() == "Log out"
    home = page.locator("[data-testid=home-community]")
    assert home.is_visible() and "Grids" in page.content() and "网格A1" in home.page.content()
    # Nothing sticks out sideways at 390 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.click("[data-testid=logout]")
    page.wait_for_url("**/login**")
    assert page.locator("[data-testid=login-submit]").inner_text().strip() == "Log in"
    page.goto(f"{live_server.url}/")
    assert "/login" in page.url
