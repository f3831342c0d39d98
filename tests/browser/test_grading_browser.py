"""双向定级考核 at phone size, in Chinese: a community grades a co-building unit with the suggested score,
the county closes the round, and the unit sees its grade and answers the opinion."""

import sys
from pathlib import Path

import pytest

from factories import PASSWORD, make_world, principal

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "platform" / "grading"))
from grading_data import year_of_work

pytestmark = pytest.mark.browser


async def _world() -> dict:
    from jinlin.grading.schemas import RoundIn
    from jinlin.grading.service import open_round

    w = await make_world()
    await year_of_work(w)
    rnd = await open_round(await principal("county"), RoundIn(year=2026))
    return {"round": rnd.id, "enterprise": w.orgs["enterprise"]["id"]}


async def _close(round_id: int) -> None:
    from jinlin.grading.service import close_round

    await close_round(await principal("county"), round_id)


def _as(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")


def test_a_community_grades_a_unit_with_the_suggested_score_and_the_unit_replies(live_server, page, frozen_clock):
    ids = live_server.run(_world)
    url = live_server.url

    # 社区A's admin opens the round from the phone and grades 鑫源建材 with the suggested scores.
    _as(page, live_server, "admin_a")
    page.goto(f"{url}/grading")
    page.click(f"a[href='/grading/rounds/{ids['round']}']")
    page.click(f"[data-testid=assignment-{ids['enterprise']}]")
    assert "建议分" in page.inner_text("[data-testid=suggested]")
    assert "3.33" in page.inner_text("[data-testid=suggested]")
    assert page.input_value("select[name=score_quality]") == "4"  # pre-filled with the suggestion
    evidence = page.inner_text("[data-testid=evidence]")
    assert "报到" in evidence and "响应号召" in evidence
    page.fill("textarea[name=opinion]", "物资到位及时，希望提前告知到达时间")
    page.click("[data-testid=grade-submit]")
    page.wait_for_load_state("networkidle")
    assert "3.33" in page.inner_text("[data-testid=given-score]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    live_server.run(_close, ids["round"])

    # The unit's liaison sees its grade and the opinion (without who wrote it), and replies.
    _as(page, live_server, "liaison")
    page.goto(f"{url}/grading")
    page.click("[data-testid=my-grade]")
    assert page.inner_text("[data-testid=grade]") == "一般"
    body = page.inner_text("main") if page.query_selector("main") else page.inner_text("body")
    assert "物资到位及时" in body and "社区A居委会" not in body
    page.fill("[data-testid=reply-form] textarea[name=body]", "收到，今后提前一天告知")
    page.click("[data-testid=reply-submit]")
    page.wait_for_load_state("networkidle")
    assert "收到，今后提前一天告知" in page.inner_text("[data-testid=reply]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
