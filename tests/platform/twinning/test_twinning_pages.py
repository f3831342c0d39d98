"""结对帮扶 pages in Chinese: community profiles with the weakness index, helper strength, the proposed
pairs of a run with their reasons, accept/decline/end, and the pairs on both organisations' pages."""

from factories import csrf_token, login, make_world
from jinlin.core import clock
from jinlin.twinning.tables import CommunityProfile, Twinning


async def _pair(w, status="proposed", period=2026, helper="enterprise", community="comm_a", run_id=None):
    now = clock.now()
    t = Twinning(
        helper_id=w.orgs[helper]["id"],
        community_id=w.orgs[community]["id"],
        period=period,
        status=status,
        run_id=run_id,
        pair_key=f"{period}:{helper}:{community}:{status}",
        reasons=["strengths meet weaknesses: funding_gap, facility_gap", "1.2 km away"],
        accepted_at=now if status != "proposed" else None,
        created_at=now,
        updated_at=now,
    )
    await t.save()
    return t.id


async def test_street_staff_edit_a_community_profile_and_see_the_weakness_index_in_chinese(client, frozen_clock):
    w = await make_world()
    await login(client, "street_east")
    url = f"/communities/{w.orgs['comm_a']['id']}/profile"
    page = await client.get(url)
    assert page.status_code == 200 and "社区画像" in page.text and "薄弱指数" in page.text and "人手负荷" in page.text
    token = await csrf_token(client, url)
    bad = await client.post(
        url, data={"_csrf_token": token, "population": "8000", "grid_workers": "4", "facility_gap": "1.5"}
    )
    assert bad.status_code == 400 and 'data-field="facility_gap"' in bad.text and "不能大于 1" in bad.text
    r = await client.post(
        url,
        data={
            "_csrf_token": token,
            "population": "8000",
            "grid_workers": "4",
            "funding_gap": "250000",
            "facility_gap": "0.5",
            "min_helpers": "1",
            "max_helpers": "1",
        },
    )
    assert r.status_code == 303, r.text
    saved = await CommunityProfile.select().first()
    assert (saved["population"], saved["grid_workers"], saved["funding_gap"]) == (8000, 4, 250000)
    page = await client.get(url)
    # staff load 1.0 × 0.25 + funding 0.5 × 0.2 + facilities 0.5 × 0.2 = 0.45
    assert 'data-index="0.45"' in page.text
    overview = await client.get("/twinning/profiles")
    assert overview.status_code == 200 and "社区A居委会" in overview.text and "0.45" in overview.text


async def test_a_community_admin_reads_the_profile_but_cannot_change_it(client, frozen_clock):
    w = await make_world()
    await login(client, "admin_a")
    url = f"/communities/{w.orgs['comm_a']['id']}/profile"
    page = await client.get(url)
    assert page.status_code == 200 and "community-profile-form" not in page.text
    token = await csrf_token(client, url)
    r = await client.post(url, data={"_csrf_token": token, "population": "1", "grid_workers": "1"})
    assert r.status_code == 403
    assert await CommunityProfile.count() == 0


async def test_a_unit_keeps_its_helper_strength(client, frozen_clock):
    w = await make_world()
    await login(client, "liaison")
    url = f"/helpers/{w.orgs['enterprise']['id']}/profile"
    page = await client.get(url)
    assert page.status_code == 200 and "帮扶能力" in page.text
    token = await csrf_token(client, url)
    r = await client.post(
        url, data={"_csrf_token": token, "capacity": "2", "funding_strength": "0.9", "staff_strength": "0.2"}
    )
    assert r.status_code == 303, r.text
    assert 'data-testid="helper-capacity">2<' in (await client.get(url)).text


async def test_staff_review_the_proposed_pairs_of_a_run_with_their_reasons_and_accept_one(client, frozen_clock):
    w = await make_world()
    first = await _pair(w, run_id=7)
    second = await _pair(w, helper="team", community="comm_b", run_id=7)
    await login(client, "street_east")
    page = await client.get("/twinnings?run_id=7")
    assert page.status_code == 200 and "结对帮扶" in page.text and "待审核" in page.text
    assert "优势对口薄弱项：资金缺口、设施缺口" in page.text and "相距 1.2 公里" in page.text
    token = await csrf_token(client, "/twinnings?run_id=7")
    r = await client.post(f"/twinnings/{first}/accept", data={"_csrf_token": token, "back": "/twinnings?run_id=7"})
    assert r.status_code == 303 and r.headers["location"] == "/twinnings?run_id=7"
    r = await client.post(f"/twinnings/{second}/decline", data={"_csrf_token": token})
    assert r.status_code == 303
    statuses = {t["id"]: t["status"] for t in await Twinning.select(Twinning.id, Twinning.status)}
    assert statuses == {first: "active", second: "declined"}
    # A second accept is refused with the current status, in Chinese.
    again = await client.post(f"/twinnings/{first}/accept", data={"_csrf_token": token})
    assert again.status_code == 409 and "结对已在帮扶中" in again.text
    r = await client.post(f"/twinnings/{first}/end", data={"_csrf_token": token})
    assert r.status_code == 303
    detail = await client.get(f"/twinnings/{first}")
    assert "已结束" in detail.text


async def test_units_and_communities_cannot_decide_pairs(client, frozen_clock):
    w = await make_world()
    pid = await _pair(w)
    await login(client, "liaison")
    page = await client.get(f"/twinnings/{pid}")
    assert page.status_code == 200 and "twinning-accept" not in page.text
    token = await csrf_token(client, f"/twinnings/{pid}")
    assert (await client.post(f"/twinnings/{pid}/accept", data={"_csrf_token": token})).status_code == 403
    await login(client, "admin_c")  # another street's community: not visible at all
    assert (await client.get(f"/twinnings/{pid}")).status_code == 404


async def test_an_active_pair_shows_on_both_organisations_pages_and_home_pages(client, frozen_clock):
    w = await make_world()
    pid = await _pair(w, status="active")
    await login(client, "liaison")
    home = await client.get("/")
    assert f'hx-get="/organizations/{w.orgs["enterprise"]["id"]}/twinnings"' in home.text
    fragment = await client.get(f"/organizations/{w.orgs['enterprise']['id']}/twinnings")
    assert (
        f'data-testid="pair-{pid}"' in fragment.text and "社区A居委会" in fragment.text and "帮扶对象" in fragment.text
    )
    org_page = await client.get(f"/organizations/{w.orgs['enterprise']['id']}")
    assert 'data-testid="org-twinnings-panel"' in org_page.text
    await login(client, "admin_a")
    fragment = await client.get(f"/organizations/{w.orgs['comm_a']['id']}/twinnings")
    assert f'data-testid="pair-{pid}"' in fragment.text and "鑫源建材有限公司" in fragment.text
