"""Under the Content-Security-Policy the pages still work in Chromium: no violation is reported, htmx
loads its fragments and the KPI chart draws."""

from factories import PASSWORD, make_need, make_world


def _login(page, url, username):
    page.context.clear_cookies()
    page.goto(f"{url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")


async def _world():
    w = await make_world()
    await make_need("admin_a", w.orgs["comm_a"])


def test_pages_run_under_the_policy_with_htmx_and_the_chart(live_server, page):
    live_server.run(_world)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    _login(page, live_server.url, "county")
    for path in ("/", "/needs", "/activities", "/reports", "/volunteers/register"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/reports")
    page.wait_for_load_state("networkidle")
    assert page.locator("#kpi-chart canvas").count() == 1
    assert page.evaluate("typeof window.htmx") == "object"
    assert not violations, violations
