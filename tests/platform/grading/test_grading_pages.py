"""The grading pages in Chinese: the county opens and closes a round and keeps the settings from its phone."""

from grading_data import year_of_work

from factories import csrf_token, login, make_world
from jinlin.grading.tables import GradingRound, GradingSettings


async def test_the_county_opens_a_round_sees_results_and_saves_settings_through_the_pages(client, frozen_clock):
    w = await make_world()
    await year_of_work(w)
    await login(client, "county")
    index = await client.get("/grading")
    assert index.status_code == 200 and "双向定级考核" in index.text and "发起年度定级考核" in index.text
    token = await csrf_token(client, "/grading")
    bad = await client.post("/grading/rounds", data={"_csrf_token": token, "year": "二〇二六"})
    assert bad.status_code == 400 and 'data-field="year"' in bad.text and await GradingRound.count() == 0
    r = await client.post("/grading/rounds", data={"_csrf_token": token, "year": "2026"})
    assert r.status_code == 303
    page = await client.get(r.headers["location"])
    assert "2026 年度双向定级" in page.text and "结束本轮并评定等级" in page.text and "全部评分" in page.text
    r = await client.post(f"{r.headers['location']}/close", data={"_csrf_token": token})
    assert r.status_code == 303
    settings = await client.get("/grading/settings")
    assert settings.status_code == 200 and "定级考核设置" in settings.text
    form = {
        "_csrf_token": token,
        "year_from": "2027",
        "threshold_excellent": "4.6",
        "threshold_good": "3.6",
        "threshold_fair": "2.6",
        "weight_responsiveness": "2",
        "weight_quality": "1",
        "weight_cooperation": "1",
        "show_grader": "on",
    }
    r = await client.post("/grading/settings", data={**form, "threshold_good": "4.8"})
    assert r.status_code == 400 and 'data-field="thresholds">须满足 优秀 > 良好 > 一般' in r.text
    assert 'name="threshold_good" value="4.8"' in r.text  # the input is kept and await GradingSettings.count() == 0
    closed = await client.post("/grading/settings", data={**form, "year_from": "2026"})
    assert closed.status_code == 409 and await GradingSettings.count() == 0
    r = await client.post("/grading/settings", data=form)
    assert r.status_code == 303
    row = await GradingSettings.select().first().output(load_json=True)
    assert row["year_from"] == 2027 and row["show_grader"] and row["thresholds"]["excellent"] == 4.6
    assert [i["weight"] for i in row["rubric"]] == [2.0, 1.0, 1.0]
    assert "自 2027 年起" in (await client.get("/grading/settings")).text
    # A community admin has no settings page.
    await login(client, "admin_a")
    assert (await client.get("/grading/settings")).status_code == 403
