"""Street staff start a matching run from the page, watch the progress bar finish, read the proposals
with their reasons, and publish them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.append(str(Path(__file__).parents[1] / "platform" / "runs"))

from runs_data import make_market

from factories import PASSWORD, make_world

pytestmark = pytest.mark.browser


async def _world() -> dict:
    w = await make_world()
    await make_market(w)
    return {"east": w.areas["east"]["id"]}


def test_street_staff_run_matching_watch_it_finish_and_publish(live_server, page):
    ids = live_server.run(_world)
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=username]", "street_east")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/runs")
    page.select_option("[data-testid=run-area]", str(ids["east"]))
    page.click("[data-testid=start-run]")
    page.wait_for_url("**/runs/*")
    # The progress bar is polled until the run has finished, then the page shows the result.
    bar = page.locator("[data-testid=run-progress]")
    assert bar.count() == 1
    page.wait_for_selector("[data-testid=run-status][data-status=succeeded]", timeout=30000)
    assert page.locator("[data-testid=run-progress]").get_attribute("data-progress") == "1.0"
    proposals = page.locator("[data-testid=proposal]")
    assert proposals.count() >= 1
    assert proposals.first.locator("[data-testid=reasons]").inner_text().strip()
    assert page.locator("[data-testid=unmatched]").count() == 1
    page.click("[data-testid=publish-run]")
    page.wait_for_selector("[data-testid=run-published]")
