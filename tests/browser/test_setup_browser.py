"""Set-up by import on a phone (390 × 844), in Chinese: a county admin downloads the templates, fills them,
uploads them; a bad file is answered row by row; a new account's owner logs in and must choose a password."""

import pytest
from openpyxl import load_workbook

from factories import PASSWORD, make_world

pytestmark = pytest.mark.browser


async def _world() -> None:
    await make_world()


def _login(page, url, username, password=PASSWORD):
    page.context.clear_cookies()
    page.goto(f"{url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")


def _fill(path, rows, tmp_path, name):
    book = load_workbook(path)
    for row in rows:
        book.active.append(row)
    out = tmp_path / f"{name}.xlsx"
    book.save(out)
    return out


def test_a_county_admin_sets_up_organisations_and_accounts_from_the_templates(live_server, page, tmp_path):
    live_server.run(_world)
    url = live_server.url
    _login(page, url, "county")
    page.goto(f"{url}/setup")
    assert "批量导入" in page.inner_text("h1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    with page.expect_download() as dl:
        page.click("[data-testid=template-organizations]")
    template = tmp_path / "org-template.xlsx"
    dl.value.save_as(template)
    assert load_workbook(template).active.cell(1, 1).value == "名称"

    bad = _fill(template, [["", "外星组织", "火星", "", "", ""]], tmp_path, "bad")
    page.set_input_files("[data-testid=file-organizations]", str(bad))
    page.click("[data-testid=import-organizations]")
    errors = page.locator("[data-testid=setup-organizations] [data-testid=row-errors]").inner_text()
    assert "请从下拉列表中选择" in errors and "没有名为“火星”的区域" in errors

    good = _fill(template, [["清河供电公司", "企业", "东街道", "王建国", "13800001111", ""]], tmp_path, "good")
    page.set_input_files("[data-testid=file-organizations]", str(good))
    page.click("[data-testid=import-organizations]")
    assert "已导入 1 行" in page.inner_text("[data-testid=setup-organizations] [data-testid=imported]")

    with page.expect_download() as dl:
        page.click("[data-testid=template-accounts]")
    accounts_template = tmp_path / "acc-template.xlsx"
    dl.value.save_as(accounts_template)
    accounts = _fill(
        accounts_template, [["wangjg", "王建国", "13800001111", "清河供电公司", "单位联络员"]], tmp_path, "accounts"
    )
    page.set_input_files("[data-testid=file-accounts]", str(accounts))
    page.click("[data-testid=import-accounts]")
    table = page.locator("[data-testid=one-time-passwords]")
    one_time = table.locator("code").inner_text().strip()
    assert "wangjg" in table.inner_text() and len(one_time) >= 12

    _login(page, url, "wangjg", one_time)
    assert page.locator("[data-testid=choose-password]").is_visible()
    page.goto(f"{url}/needs")
    assert page.locator("[data-testid=choose-password]").is_visible()  # still sent to choose a password
