"""A volunteer at phone size, in Chinese: register, find an activity, sign up, check in with the code,
and see the hours once the organiser has verified them."""

import re
from datetime import timedelta

import pytest

from factories import PASSWORD, make_world, principal

pytestmark = pytest.mark.browser


async def _world_with_an_activity_now() -> dict:
    from jinlin.activities import service
    from jinlin.activities.schemas import ActivityIn, ShiftIn
    from jinlin.core import clock

    w = await make_world()
    staff = await principal("staff_a")
    now = clock.now()
    data = ActivityIn(
        organizer_id=w.orgs["comm_a"]["id"],
        title="社区助老志愿服务",
        category="elder_care",
        area_id=w.areas["comm_a"]["id"],
        address="幸福路1号",
        shifts=[ShiftIn(start=now + timedelta(minutes=10), end=now + timedelta(hours=2), slots=3)],
    )
    activity = await service.create_activity(staff, data)
    await service.publish_activity(staff, activity.id)
    return {"activity_id": activity.id, "shift_id": activity.shifts[0].id, "code": activity.shifts[0].checkin_code}


def _login(page, url, username, password):
    page.context.clear_cookies()
    page.goto(f"{url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")


def test_a_volunteer_registers_signs_up_checks_in_and_sees_verified_hours(live_server, page):
    setup = live_server.run(_world_with_an_activity_now)
    url = live_server.url

    # Register from the login page's link.
    page.goto(f"{url}/login")
    page.click("a[href='/volunteers/register']")
    page.fill("input[name=username]", "xiaoli")
    page.fill("input[name=password]", "long-enough-1")
    page.fill("input[name=display_name]", "小李")
    page.fill("input[name=phone]", "13912340000")
    page.fill("input[name=skills]", "陪伴聊天")
    page.check("input[name=free_days][value='5']")
    page.click("[data-testid=register-submit]")
    page.wait_for_url(re.compile(r"/activities$"))

    # Find the activity and sign up.
    page.click("text=社区助老志愿服务")
    page.wait_for_url(re.compile(r"/activities/\d+$"))
    page.click("[data-testid=signup]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-testid=my-status]") == "已报名"

    # Check in with the 6-digit code (a wrong one first), then check out.
    page.click("[data-testid=go-checkin]")
    page.fill("input[name=code]", "000000" if setup["code"] != "000000" else "111111")
    page.click("[data-testid=checkin-submit]")
    assert "签到码错误" in page.content()
    page.fill("input[name=code]", setup["code"])
    page.click("[data-testid=checkin-submit]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-testid=checkin-status]") == "已签到"
    page.fill("input[name=code]", setup["code"])
    page.click("[data-testid=checkout-submit]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-testid=checkin-status]") == "已完成"

    # The organiser sees the code, adjusts the hours with a reason and verifies.
    _login(page, url, "staff_a", PASSWORD)
    page.goto(f"{url}/shifts/{setup['shift_id']}/manage")
    assert page.inner_text("[data-testid=checkin-code]") == setup["code"]
    assert "138" not in page.inner_text("[data-testid=signups]") and "13912340000" in page.inner_text(
        "[data-testid=signups]"
    )
    page.fill("input[name^=hours_]", "1.5")  # at most the shift's length (1 h 50 min)
    page.fill("input[name^=reason_]", "按排班时长核定")
    page.click("[data-testid=verify-all]")
    page.wait_for_load_state("networkidle")
    assert "已核定" in page.inner_text("[data-testid=signups]")

    # The volunteer sees the verified hours.
    _login(page, url, "xiaoli", "long-enough-1")
    assert page.locator("[data-testid=home-volunteer]").count() == 1
    page.click("[data-testid=my-shifts]")
    page.wait_for_url(re.compile(r"/my/shifts$"))
    assert page.inner_text("[data-testid=recorded-hours]") == "1.5"
    assert page.inner_text("[data-testid=honorary-hours]") == "0.0"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
