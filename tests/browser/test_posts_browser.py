"""People on the grid in a real browser at phone size: staff a grid, then open its duty card from the QR."""

import pytest

from factories import PASSWORD, make_world
from support import unmasked_phones

pytestmark = pytest.mark.browser


async def _world():
    from jinlin.accounts.tables import Account

    w = await make_world()
    await Account.update({Account.phone: "13512345678"}).where(Account.id == w.accounts["grid_a"])
    return w


def test_a_community_admin_staffs_a_grid_then_opens_its_duty_card_from_the_qr_link(live_server, page, browser):
    import io

    import zxingcpp
    from PIL import Image

    w = live_server.run(_world)
    grid = w.areas["grid_a1"]["id"]
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=username]", "admin_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/areas/{grid}")
    page.click("[data-testid=area-posts]")
    page.wait_for_url(f"**/areas/{grid}/posts")
    page.select_option("select[name=kind]", "full_time_grid_worker")
    page.fill("input[name=username]", "grid_a")
    page.click("[data-testid=assign]")
    page.wait_for_load_state("networkidle")
    assert "grid_a" in page.locator("[data-testid=current-posts]").inner_text()
    page.select_option("select[name=kind]", "department_staff")
    page.select_option("select[name=department]", "civil_affairs")
    page.fill("input[name=contact_name]", "王民政")
    page.fill("input[name=contact_phone]", "13800001234")
    page.click("[data-testid=assign]")
    page.wait_for_load_state("networkidle")
    assert "王民政" in page.locator("[data-testid=current-posts]").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.click("[data-testid=open-card]")
    page.wait_for_url(f"**/cards/{grid}")
    assert page.locator("[data-testid=card-qr] svg").is_visible()
    png = page.request.get(f"{live_server.url}/cards/{grid}/qr.png").body()
    [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert decoded.text == f"{live_server.url}/cards/{grid}"

    # A resident scans it: a fresh phone with no login.
    resident = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    try:
        card = resident.new_page()
        card.goto(decoded.text)
        assert "/login" not in card.url
        body = card.locator("[data-testid=duty-card]").inner_text()
        assert "grid_a" in body and "王民政" in body and "网格A1" in body
        html = card.content()
        assert "135****5678" in html and unmasked_phones(html) == []
        assert card.locator("[data-testid=report-link]").get_attribute("href") == f"/report/{grid}"
        assert card.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        resident.close()
