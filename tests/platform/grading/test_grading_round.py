"""双向定级考核 from opening a round to grades and ranks, on a hand-made county whose evidence is known
(grading_data.year_of_work explains each suggested score)."""

import json

from grading_data import year_of_work

from factories import login, make_account, make_world
from jinlin.audit.tables import AuditEvent
from jinlin.grading.tables import GradeResult, GradingAssignment
from jinlin.notifications.tables import Notification


def _by_pair(items):
    return {(a["grader_name"], a["gradee_name"]): a for a in items}


async def _open(client, year=2026):
    county = await login(client, "county")
    r = await client.post("/api/v1/grading-rounds", json={"year": year}, headers=county)
    assert r.status_code == 201, r.text
    return r.json(), county


async def test_a_round_pairs_organisations_that_worked_together_with_suggested_scores_from_the_evidence(
    client, frozen_clock
):
    w = await make_world()
    await year_of_work(w)
    rnd, county = await _open(client)
    assert rnd["status"] == "open" and rnd["assignments"] == 4 and rnd["graded"] == 0
    items = (await client.get(f"/api/v1/grading-rounds/{rnd['id']}/assignments", headers=county)).json()["items"]
    pairs = _by_pair(items)
    assert set(pairs) == {
        ("社区A居委会", "鑫源建材有限公司"),
        ("鑫源建材有限公司", "社区A居委会"),
        ("社区B居委会", "柳林村"),
        ("柳林村", "社区B居委会"),
    }
    a_to_e = pairs[("社区A居委会", "鑫源建材有限公司")]
    assert a_to_e["basis"] == ["called", "matched", "registered"]
    assert a_to_e["evidence"]["components"] == {
        "ratings": 5.0,
        "call_delay": 4,
        "pledges_fulfilled": 3.0,
        "on_time": 3.0,
        "activity_hours": 3.0,
    }
    assert a_to_e["evidence"]["activity_hours"] == 20.0
    assert a_to_e["evidence"]["pledges"] == 2 and a_to_e["evidence"]["pledge_delay_h"] == 6.0
    assert a_to_e["evidence"]["matches"] == 2 and a_to_e["evidence"]["matches_on_time"] == 1
    assert a_to_e["suggested"] == {"responsiveness": 3, "quality": 4, "cooperation": 3}
    assert a_to_e["suggested_score"] == 3.33
    e_to_a = pairs[("鑫源建材有限公司", "社区A居委会")]
    assert e_to_a["evidence"]["components"] == {"ratings": 4.0, "on_time": 3.0}
    assert e_to_a["suggested"] == {"responsiveness": 3, "quality": 4, "cooperation": 4}
    assert e_to_a["suggested_score"] == 3.67
    assert pairs[("柳林村", "社区B居委会")]["suggested"] == {"responsiveness": 4, "quality": 4, "cooperation": 4}
    # Each grading organisation is told; the community's admin sees only its own assignments.
    assert await Notification.count().where(Notification.kind == "grading_open") == 4
    mine = (
        await client.get(f"/api/v1/grading-rounds/{rnd['id']}/assignments", headers=await login(client, "admin_a"))
    ).json()["items"]
    assert [(a["grader_name"], a["gradee_name"]) for a in mine] == [("社区A居委会", "鑫源建材有限公司")]
    page = (await client.get(f"/api/v1/grading-rounds/{rnd['id']}/assignments?limit=3", headers=county)).json()
    assert len(page["items"]) == 3 and page["total"] == 4 and page["next_cursor"]
    rest = (
        await client.get(f"/api/v1/grading-rounds/{rnd['id']}/assignments?cursor={page['next_cursor']}", headers=county)
    ).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    again = await client.post("/api/v1/grading-rounds", json={"year": 2026}, headers=county)
    assert again.status_code == 409


async def test_grades_and_ranks_on_close_match_the_hand_computed_ones(client, frozen_clock):
    w = await make_world()
    await year_of_work(w)
    rnd, county = await _open(client)
    pairs = _by_pair(
        (await client.get(f"/api/v1/grading-rounds/{rnd['id']}/assignments", headers=county)).json()["items"]
    )

    async def grade(user, pair, scores, reason=""):
        r = await client.post(
            f"/api/v1/grading-assignments/{pairs[pair]['id']}/grade",
            headers=await login(client, user),
            json={"scores": scores, "opinion": "希望加强沟通", "override_reason": reason},
        )
        assert r.status_code == 201, r.text
        return r.json()

    # 社区A agrees with the suggestion: (3+4+3)/3 = 3.33.
    assert (
        await grade(
            "admin_a", ("社区A居委会", "鑫源建材有限公司"), {"responsiveness": 3, "quality": 4, "cooperation": 3}
        )
    )["score"] == 3.33
    assert (
        await grade(
            "liaison",
            ("鑫源建材有限公司", "社区A居委会"),
            {"responsiveness": 5, "quality": 5, "cooperation": 5},
            "社区协调非常及时",
        )
    )["score"] == 5.0
    await grade("admin_b", ("社区B居委会", "柳林村"), {"responsiveness": 4, "quality": 4, "cooperation": 4})
    # (2+3+3)/3 = 2.67
    await grade("liaison2", ("柳林村", "社区B居委会"), {"responsiveness": 2, "quality": 3, "cooperation": 3}, "回应慢")
    closed = await client.post(f"/api/v1/grading-rounds/{rnd['id']}/close", headers=county)
    assert closed.status_code == 201 and closed.json()["status"] == "closed" and closed.json()["graded"] == 4
    results = {
        r["organization_name"]: r
        for r in (await client.get(f"/api/v1/grading-rounds/{rnd['id']}/results", headers=county)).json()["items"]
    }
    got = {name: (r["score"], r["grade"], r["rank"], r["rank_of"]) for name, r in results.items()}
    # Thresholds 4.5 / 3.5 / 2.5; ranks within each kind.
    assert got == {
        "社区A居委会": (5.0, "excellent", 1, 2),
        "社区B居委会": (2.67, "fair", 2, 2),
        "鑫源建材有限公司": (3.33, "fair", 1, 1),
        "柳林村": (4.0, "good", 1, 1),
    }
    assert await Notification.count().where(Notification.kind == "grading_result") == 4
    # A closed round takes no more grades and cannot close twice.
    assert (await client.post(f"/api/v1/grading-rounds/{rnd['id']}/close", headers=county)).status_code == 409
    # The export carries the same figures as the page.
    xlsx = await client.get(f"/api/v1/grading-rounds/{rnd['id']}/export.xlsx", headers=county)
    assert xlsx.status_code == 200
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    rows = {r[0]: (r[2], r[4], r[5]) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows == {name: (v[0], v[2], v[3]) for name, v in got.items()}
    assert [c.value for c in sheet[2]][3] in ("优秀", "良好", "一般", "较差")


async def test_overriding_the_suggested_score_needs_a_reason_and_is_audited(client, frozen_clock):
    w = await make_world()
    await year_of_work(w)
    rnd, county = await _open(client)
    pairs = _by_pair(
        (await client.get(f"/api/v1/grading-rounds/{rnd['id']}/assignments", headers=county)).json()["items"]
    )
    aid = pairs[("社区A居委会", "鑫源建材有限公司")]["id"]
    admin = await login(client, "admin_a")
    r = await client.post(
        f"/api/v1/grading-assignments/{aid}/grade",
        headers=admin,
        json={"scores": {"responsiveness": 1, "quality": 4, "cooperation": 3}},
    )
    assert r.status_code == 400 and "override_reason" in r.json()["error"]["fields"]
    missing = await client.post(
        f"/api/v1/grading-assignments/{aid}/grade", headers=admin, json={"scores": {"responsiveness": 3}}
    )
    assert missing.status_code == 400 and "scores.quality" in missing.json()["error"]["fields"]
    row = await GradingAssignment.select().where(GradingAssignment.id == aid).first()
    assert row["status"] == "pending" and row["graded_by"] is None
    assert not await AuditEvent.exists().where(AuditEvent.object_type == "grading_assignment")
    r = await client.post(
        f"/api/v1/grading-assignments/{aid}/grade",
        headers=admin,
        json={
            "scores": {"responsiveness": 1, "quality": 4, "cooperation": 3},
            "override_reason": "两次号召都迟迟未到位",
        },
    )
    assert r.status_code == 201 and r.json()["score"] == 2.67
    event = await AuditEvent.select().where(AuditEvent.object_type == "grading_assignment").first()
    assert event["action"] == "grade_override" and event["object_id"] == aid
    changes = json.loads(event["changes"]) if isinstance(event["changes"], str) else event["changes"]
    assert changes["override_reason"] == [None, "两次号召都迟迟未到位"]
    assert changes["overridden"] == {"responsiveness": [3, 1]}
    again = await client.post(
        f"/api/v1/grading-assignments/{aid}/grade",
        headers=admin,
        json={"scores": {"responsiveness": 3, "quality": 4, "cooperation": 3}},
    )
    assert again.status_code == 409


async def test_nobody_grades_their_own_organisation(client, frozen_clock):
    w = await make_world()
    await year_of_work(w)
    await make_account(
        "both", [(w.orgs["comm_a"]["id"], "community_staff"), (w.orgs["enterprise"]["id"], "unit_liaison")]
    )
    rnd, county = await _open(client)
    pairs = _by_pair(
        (await client.get(f"/api/v1/grading-rounds/{rnd['id']}/assignments", headers=county)).json()["items"]
    )
    both = await login(client, "both")
    for pair in (("社区A居委会", "鑫源建材有限公司"), ("鑫源建材有限公司", "社区A居委会")):
        r = await client.post(
            f"/api/v1/grading-assignments/{pairs[pair]['id']}/grade",
            headers=both,
            json={"scores": pairs[pair]["suggested"]},
        )
        assert r.status_code == 403
    # Street and county staff see the assignments but do not grade for the organisations.
    r = await client.post(
        f"/api/v1/grading-assignments/{pairs[('社区B居委会', '柳林村')]['id']}/grade",
        headers=county,
        json={"scores": {"responsiveness": 4, "quality": 4, "cooperation": 4}},
    )
    assert r.status_code == 403
    assert await GradingAssignment.count().where(GradingAssignment.status == "graded") == 0
    assert await GradeResult.count() == 0


async def test_the_partners_to_grade_are_on_the_graders_workbench_until_graded(client, frozen_clock):
    from factories import principal
    from jinlin.core.workbench import collect

    w = await make_world()
    await year_of_work(w)
    rnd, county = await _open(client)
    items = [i for i in await collect(await principal("admin_a")) if i.group == "To grade"]
    assert [i.title for i in items] == ["鑫源建材有限公司"]
    pairs = _by_pair(
        (await client.get(f"/api/v1/grading-rounds/{rnd['id']}/assignments", headers=county)).json()["items"]
    )
    a = pairs[("社区A居委会", "鑫源建材有限公司")]
    await client.post(
        f"/api/v1/grading-assignments/{a['id']}/grade",
        headers=await login(client, "admin_a"),
        json={"scores": a["suggested"]},
    )
    assert not [i for i in await collect(await principal("admin_a")) if i.group == "To grade"]
    assert not [i for i in await collect(await principal("admin_b")) if i.title == "鑫源建材有限公司"]


async def test_a_grade_form_without_a_reason_for_differing_shows_the_error_in_chinese(client, frozen_clock):
    from factories import csrf_token

    w = await make_world()
    await year_of_work(w)
    rnd, county = await _open(client)
    pairs = _by_pair(
        (await client.get(f"/api/v1/grading-rounds/{rnd['id']}/assignments", headers=county)).json()["items"]
    )
    aid = pairs[("社区A居委会", "鑫源建材有限公司")]["id"]
    await login(client, "admin_a")
    token = await csrf_token(client, f"/grading/assignments/{aid}")
    r = await client.post(
        f"/grading/assignments/{aid}/grade",
        data={
            "_csrf_token": token,
            "score_responsiveness": "1",
            "score_quality": "4",
            "score_cooperation": "3",
            "opinion": "响应慢",
        },
    )
    assert r.status_code == 400
    assert 'data-field="override_reason"' in r.text and "评分与建议分不同时须填写理由" in r.text
    assert "响应慢" in r.text  # the input is kept
    assert (await GradingAssignment.select().where(GradingAssignment.id == aid).first())["status"] == "pending"
    r = await client.post(
        f"/grading/assignments/{aid}/grade",
        data={
            "_csrf_token": token,
            "score_responsiveness": "1",
            "score_quality": "4",
            "score_cooperation": "3",
            "opinion": "响应慢",
            "override_reason": "两次号召迟到",
        },
    )
    assert r.status_code == 303
    page = await client.get(f"/grading/assignments/{aid}")
    assert "两次号召迟到" in page.text and 'data-testid="grade-form"' not in page.text
