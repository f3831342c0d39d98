"""The pages: grouped notices and read/unread apart, choices saved from the form, logs by role."""

from delivery_data import verified

from factories import csrf_token, make_world, page_login
from jinlin.notifications.service import notify
from jinlin.notifications.tables import Delivery, Notification, Preference
from jinlin.notifications.tasks import deliver_notifications_body


async def test_a_run_is_one_grouped_notice_and_unread_notices_look_different_until_opened(client):
    w = await make_world()
    for i in range(47):
        await notify(
            kind="match_proposed",
            title="A match was proposed for {title}",
            organization_id=w.orgs["comm_a"]["id"],
            params={"title": f"需求{i}"},
            link=f"/matches/{i + 1}",
            group_key="run:9",
            group_title="{count} matches were proposed, the first for {title}",
            group_link="/matches?status=proposed",
        )
    await notify(kind="rated", title="You were rated", account_id=w.accounts["staff_a"])
    await page_login(client, "staff_a")
    page = (await client.get("/notifications")).text
    assert page.count('class="notice unread"') == 2
    assert "共推荐了47个供需项目" in page and "共47条" in page
    grouped = (await Notification.select().where(Notification.group_key == "run:9").first())["id"]
    r = await client.get(f"/notifications/{grouped}/open")
    assert r.status_code == 303 and r.headers["location"] == "/matches?status=proposed"
    page = (await client.get("/notifications")).text
    assert page.count('class="notice unread"') == 1 and page.count('class="notice read"') == 1
    assert (await client.get("/notifications/count")).text == "1"
    await page_login(client, "admin_c")  # another community's admin cannot open it
    assert (await client.get(f"/notifications/{grouped}/open")).status_code == 404


async def test_choices_are_saved_from_the_page_and_a_bad_code_is_named_in_chinese(client, outside):
    w = await make_world()
    await page_login(client, "liaison")
    page = await client.get("/notifications/preferences")
    assert page.status_code == 200 and "发给本单位的号召" in page.text and "短信" in page.text
    token = await csrf_token(client, "/notifications/preferences")
    r = await client.post(
        "/notifications/preferences",
        headers={"x-csrftoken": token},
        data={"_csrf_token": token, "channels_call_issued": "email", "digest_rated": "1"},
    )
    assert r.status_code == 303
    pref = await Preference.select().where(Preference.key == f"{w.accounts['liaison']}:call_issued").first()
    assert pref["channels"] == "email"
    r = await client.post(
        "/notifications/contacts",
        headers={"x-csrftoken": token},
        data={"_csrf_token": token, "channel": "sms", "address": "12"},
    )
    assert r.status_code == 400 and "不是有效的11位手机号码" in r.text
    r = await client.post(
        "/notifications/contacts",
        headers={"x-csrftoken": token},
        data={"_csrf_token": token, "channel": "sms", "address": "13800001234"},
    )
    assert r.status_code == 303
    r = await client.post(
        "/notifications/contacts/verify",
        headers={"x-csrftoken": token},
        data={"_csrf_token": token, "channel": "sms", "code": "abc"},
    )
    assert r.status_code == 400 and "验证码错误" in r.text
    assert "138****1234" in r.text and "13800001234" not in r.text


async def test_deliveries_are_shown_to_their_owner_and_statistics_to_county_admins_only(client, outside):
    w = await make_world()
    await verified(w.accounts["liaison"], "email", "liaison@example.com")
    await notify(
        kind="call_issued",
        title="{issuer} calls for help: {title}",
        organization_id=w.orgs["enterprise"]["id"],
        params={"issuer": "社区A", "title": "送餐"},
    )
    await deliver_notifications_body()
    assert await Delivery.count() == 1
    await page_login(client, "liaison")
    page = await client.get("/notifications/deliveries")
    assert "l***@example.com" in page.text and "已发送" in page.text and "liaison@example.com" not in page.text
    assert (await client.get("/notifications/delivery-stats")).status_code == 403
    await page_login(client, "liaison2")
    assert "l***@example.com" not in (await client.get("/notifications/deliveries")).text
    await page_login(client, "county")
    stats = await client.get("/notifications/delivery-stats")
    assert stats.status_code == 200 and "电子邮件" in stats.text


async def test_a_forged_unsubscribe_link_is_refused_in_chinese_and_changes_nothing(client):
    w = await make_world()
    page = await client.get(f"/notifications/unsubscribe?token={w.accounts['liaison']}.call_issued.email.0000")
    assert page.status_code == 200 and "退订链接无效" in page.text and 'data-testid="unsubscribe"' not in page.text
    token = await csrf_token(client, "/login")
    r = await client.post(
        "/notifications/unsubscribe",
        headers={"x-csrftoken": token},
        data={"_csrf_token": token, "token": f"{w.accounts['liaison']}.call_issued.email.0000"},
    )
    assert r.status_code == 400 and "退订链接无效" in r.text
    assert await Preference.count() == 0


async def test_a_robot_without_its_signing_secret_is_refused_on_the_page_and_the_token_is_not_echoed(client):
    w = await make_world()
    await page_login(client, "liaison")
    enterprise = w.orgs["enterprise"]["id"]
    token = await csrf_token(client, f"/organizations/{enterprise}/robots")
    r = await client.post(
        f"/organizations/{enterprise}/robots",
        headers={"x-csrftoken": token},
        data={"_csrf_token": token, "kind": "dingtalk", "token": "tok-secret-777", "secret": ""},
    )
    assert r.status_code == 400 and "必须启用加签" in r.text and "tok-secret-777" not in r.text
    from jinlin.notifications.tables import Robot

    assert await Robot.count() == 0
    await page_login(client, "liaison2")  # another unit's liaison
    assert (await client.get(f"/organizations/{enterprise}/robots")).status_code == 404
