"""Opinions (互提意见) reach the graded side without the grader's name (unless the county chooses
otherwise) and get one reply; grades stay within scope; a year is always computed with its own settings."""

from grading_data import year_of_work

from factories import login, make_world
from jinlin.grading.service import compute_results
from jinlin.grading.tables import GradeResult, GradingRound, OpinionReply


async def _graded_and_closed(client, year=2026, close=True):
    county = await login(client, "county")
    rnd = (await client.post("/api/v1/grading-rounds", json={"year": year}, headers=county)).json()
    items = (await client.get(f"/api/v1/grading-rounds/{rnd['id']}/assignments", headers=county)).json()["items"]
    by = {(a["grader_name"], a["gradee_name"]): a for a in items}
    graders = {"社区A居委会": "admin_a", "鑫源建材有限公司": "liaison", "社区B居委会": "admin_b", "柳林村": "liaison2"}
    for (grader, _), a in by.items():
        r = await client.post(
            f"/api/v1/grading-assignments/{a['id']}/grade",
            headers=await login(client, graders[grader]),
            json={"scores": a["suggested"], "opinion": f"{grader}的意见"},
        )
        assert r.status_code == 201, r.text
    if close:
        assert (await client.post(f"/api/v1/grading-rounds/{rnd['id']}/close", headers=county)).status_code == 201
    return rnd, by, county


async def test_the_graded_side_reads_opinions_without_the_graders_name_by_default(client, frozen_clock):
    w = await make_world()
    await year_of_work(w)
    _rnd, _by, _county = await _graded_and_closed(client)
    eid = w.orgs["enterprise"]["id"]
    liaison = await login(client, "liaison")
    seen = (await client.get(f"/api/v1/organizations/{eid}/grading", headers=liaison)).json()
    assert seen["result"]["grade"] == "fair" and seen["can_reply"]
    assert [(o["opinion"], o["grader_id"], o["grader_name"]) for o in seen["opinions"]] == [
        ("社区A居委会的意见", None, None)
    ]
    page = await client.get(f"/grading/organizations/{eid}")
    assert page.status_code == 200 and "社区A居委会的意见" in page.text and "社区A居委会<" not in page.text
    # Street staff of the area see who wrote it.
    staff = (
        await client.get(f"/api/v1/organizations/{eid}/grading", headers=await login(client, "street_east"))
    ).json()
    assert staff["opinions"][0]["grader_name"] == "社区A居委会"


async def test_the_county_can_choose_to_show_graders_names(client, frozen_clock):
    w = await make_world()
    await year_of_work(w)
    county = await login(client, "county")
    r = await client.put(
        f"/api/v1/grading-settings/{w.areas['county']['id']}",
        headers=county,
        json={"year_from": 2026, "show_grader": True},
    )
    assert r.status_code == 200 and r.json()["show_grader"], r.text
    await _graded_and_closed(client)
    seen = (
        await client.get(
            f"/api/v1/organizations/{w.orgs['enterprise']['id']}/grading", headers=await login(client, "liaison")
        )
    ).json()
    assert seen["opinions"][0]["grader_name"] == "社区A居委会"


async def test_the_graded_side_replies_once_to_each_opinion_after_the_round_closes(client, frozen_clock):
    w = await make_world()
    await year_of_work(w)
    rnd, by, county = await _graded_and_closed(client, close=False)
    aid = by[("社区A居委会", "鑫源建材有限公司")]["id"]
    liaison = await login(client, "liaison")
    early = await client.post(f"/api/v1/grading-assignments/{aid}/reply", headers=liaison, json={"body": "收到"})
    assert early.status_code == 409
    await client.post(f"/api/v1/grading-rounds/{rnd['id']}/close", headers=county)
    # The grader cannot answer its own opinion; a blank reply is refused.
    assert (
        await client.post(
            f"/api/v1/grading-assignments/{aid}/reply", headers=await login(client, "admin_a"), json={"body": "x"}
        )
    ).status_code == 403
    assert (
        await client.post(f"/api/v1/grading-assignments/{aid}/reply", headers=liaison, json={"body": "   "})
    ).status_code == 400
    r = await client.post(f"/api/v1/grading-assignments/{aid}/reply", headers=liaison, json={"body": "已整改，谢谢"})
    assert r.status_code == 201 and r.json()["reply"] == "已整改，谢谢" and r.json()["grader_name"] is None
    again = await client.post(f"/api/v1/grading-assignments/{aid}/reply", headers=liaison, json={"body": "再说一句"})
    assert again.status_code == 409 and await OpinionReply.count() == 1
    grader_view = await client.get(f"/grading/assignments/{aid}")
    assert "已整改，谢谢" in grader_view.text


async def test_a_community_cannot_see_another_communitys_grades_or_opinions(client, frozen_clock):
    w = await make_world()
    await year_of_work(w)
    rnd, by, _county = await _graded_and_closed(client)
    admin_b = await login(client, "admin_b")
    assert (
        await client.get(f"/api/v1/organizations/{w.orgs['comm_a']['id']}/grading", headers=admin_b)
    ).status_code == 404
    assert (await client.get(f"/grading/organizations/{w.orgs['comm_a']['id']}")).status_code == 404
    aid = by[("社区A居委会", "鑫源建材有限公司")]["id"]
    assert (await client.get(f"/api/v1/grading-assignments/{aid}", headers=admin_b)).status_code == 404
    results = (await client.get(f"/api/v1/grading-rounds/{rnd['id']}/results", headers=admin_b)).json()["items"]
    assert [r["organization_name"] for r in results] == ["社区B居委会"]
    # A unit sees its own grade only.
    results = (
        await client.get(f"/api/v1/grading-rounds/{rnd['id']}/results", headers=await login(client, "liaison"))
    ).json()["items"]
    assert [r["organization_name"] for r in results] == ["鑫源建材有限公司"]


async def test_weights_changed_during_a_year_do_not_change_last_years_grades(client, frozen_clock):
    w = await make_world()
    frozen_clock.advance(days=-365)  # November 2025
    await year_of_work(w)
    rnd, _by, county = await _graded_and_closed(client, year=2025)
    before = {r["organization"]: (r["score"], r["grade"], r["rank"]) for r in await GradeResult.select()}
    frozen_clock.advance(days=200)  # June 2026
    county = await login(client, "county")
    cid = w.areas["county"]["id"]
    refused = await client.put(
        f"/api/v1/grading-settings/{cid}",
        headers=county,
        json={"year_from": 2025, "thresholds": {"excellent": 3.0, "good": 2.0, "fair": 1.5}},
    )
    assert refused.status_code == 409
    r = await client.put(
        f"/api/v1/grading-settings/{cid}",
        headers=county,
        json={
            "year_from": 2026,
            "thresholds": {"excellent": 3.0, "good": 2.0, "fair": 1.5},
            "rubric": [
                {"key": "responsiveness", "label": "Responsiveness", "weight": 5, "sources": ["call_delay"]},
                {"key": "quality", "label": "Quality", "weight": 1, "sources": ["ratings"]},
                {"key": "cooperation", "label": "Cooperation", "weight": 1, "sources": []},
            ],
        },
    )
    assert r.status_code == 200, r.text
    row = await GradingRound.select(GradingRound.all_columns()).where(GradingRound.id == rnd["id"]).first()
    recomputed = {r["organization_id"]: (r["score"], r["grade"], r["rank"]) for r in await compute_results(row)}
    assert recomputed == before
    this_year = (await client.get(f"/api/v1/grading-settings/{cid}?year=2026", headers=county)).json()
    last_year = (await client.get(f"/api/v1/grading-settings/{cid}?year=2025", headers=county)).json()
    assert this_year["thresholds"]["excellent"] == 3.0 and last_year["thresholds"]["excellent"] == 4.5


async def test_an_organisations_page_shows_its_latest_grade_to_those_who_may_see_it(client, frozen_clock):
    w = await make_world()
    await year_of_work(w)
    await _graded_and_closed(client)
    eid = w.orgs["enterprise"]["id"]
    await login(client, "liaison")
    assert f'hx-get="/grading/organizations/{eid}/panel"' in (await client.get(f"/organizations/{eid}")).text
    panel = await client.get(f"/grading/organizations/{eid}/panel")
    assert 'data-grade="fair"' in panel.text and "一般" in panel.text
    await login(client, "admin_b")
    assert "data-grade" not in (await client.get(f"/grading/organizations/{eid}/panel")).text
