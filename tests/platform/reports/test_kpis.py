"""三率: the KPI report counts what happened to needs in the period, per area, inside the caller's scope."""

from datetime import UTC, datetime, timedelta

from factories import login, make_world
from jinlin.matches.tables import Match
from jinlin.needs.tables import Need
from jinlin.offers.tables import Offer
from jinlin.ratings.tables import Rating

NOV = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


async def _need(
    community, area, *, published, responded=None, resolved=None, resolve_by=None, status="published", title="need"
):
    need = Need(
        community_id=community["id"],
        area_id=area["id"],
        title=title,
        category="elder_care",
        quantity=1,
        colour="orange",
        status=status,
        published_at=published,
        responded_at=responded,
        resolved_at=resolved,
        respond_by=published + timedelta(hours=24),
        resolve_by=resolve_by or published + timedelta(days=3),
    )
    await need.save()
    return need


async def _completed_match_rated(need, offer, community, provider, score):
    match = Match(
        need_id=need.id,
        offer_id=offer.id,
        community_id=community["id"],
        provider_id=provider["id"],
        quantity=1,
        status="completed",
        completed_at=NOV + timedelta(days=1),
    )
    await match.save()
    await Rating(
        subject_type="match",
        subject_id=match.id,
        rater_side="community",
        rater_key=f"match:{match.id}:community",
        rater_organization_id=community["id"],
        ratee_organization_id=provider["id"],
        score=score,
        timeliness=score,
        quality=score,
        communication=score,
        window_closes_at=NOV + timedelta(days=2),
    ).save()  # public: its window closed


async def _scenario():
    w = await make_world()
    a, o = w.areas, w.orgs
    offer = Offer(
        organization_id=o["enterprise"]["id"],
        title="上门助老",
        category="elder_care",
        capacity=5,
        capacity_left=5,
        status="published",
    )
    await offer.save()
    # 社区A: two needs, both responded on time; one resolved on time, one resolved late.
    n1 = await _need(
        o["comm_a"],
        a["grid_a1"],
        published=NOV,
        responded=NOV + timedelta(hours=1),
        resolved=NOV + timedelta(days=1),
        status="resolved",
    )
    n2 = await _need(
        o["comm_a"],
        a["grid_a1"],
        published=NOV,
        responded=NOV + timedelta(hours=2),
        resolved=NOV + timedelta(days=5),
        status="resolved",
    )
    # 社区B: one need nobody responded to, long overdue.
    await _need(o["comm_b"], a["grid_b1"], published=NOV, title="overdue need")
    # 社区C (west): a need published in October does not count for November.
    await _need(o["comm_c"], a["comm_c"], published=NOV - timedelta(days=20), responded=NOV - timedelta(days=19))
    await _completed_match_rated(n1, offer, o["comm_a"], o["enterprise"], 5)
    await _completed_match_rated(n2, offer, o["comm_a"], o["enterprise"], 2)
    return w


async def test_street_staff_see_the_rates_of_their_street_and_each_community(client, frozen_clock):
    frozen_clock.now = NOV + timedelta(days=10)
    w = await _scenario()
    headers = await login(client, "street_east")
    body = (await client.get("/api/v1/reports/kpis", params={"period": "2026-11"}, headers=headers)).json()
    assert body["area_id"] == w.areas["east"]["id"]
    assert body["counts"]["published"] == 3
    assert body["response_rate"] == round(2 / 3, 4)
    assert body["resolution_rate"] == round(2 / 3, 4)
    assert body["on_time_rate"] == 0.5
    assert body["satisfaction_rate"] == 0.5
    assert body["overdue_needs"] == 1
    by_name = {row["name"]: row["kpis"] for row in body["by_area"]}
    assert by_name["社区A"]["resolution_rate"] == 1.0
    assert by_name["社区B"]["response_rate"] == 0.0


async def test_a_period_with_nothing_published_has_no_rates_rather_than_zero(client, frozen_clock):
    frozen_clock.now = NOV
    await _scenario()
    headers = await login(client, "county")
    body = (await client.get("/api/v1/reports/kpis", params={"period": "2025"}, headers=headers)).json()
    assert body["counts"]["published"] == 0
    assert body["response_rate"] is None and body["satisfaction_rate"] is None


async def test_the_county_report_covers_both_streets_and_respects_the_period(client, frozen_clock):
    frozen_clock.now = NOV
    await _scenario()
    headers = await login(client, "county")
    november = (await client.get("/api/v1/reports/kpis", params={"period": "2026-Q4"}, headers=headers)).json()
    assert november["counts"]["published"] == 4
    assert [row["name"] for row in november["by_area"]] == sorted(["东街道", "西街道"])


async def test_a_community_admin_cannot_read_another_communitys_report(client):
    w = await _scenario()
    headers = await login(client, "admin_a")
    own = await client.get("/api/v1/reports/kpis", params={"organization_id": w.orgs["comm_a"]["id"]}, headers=headers)
    assert own.status_code == 200
    other = await client.get(
        "/api/v1/reports/kpis", params={"organization_id": w.orgs["comm_b"]["id"]}, headers=headers
    )
    assert other.status_code == 404
    area = await client.get("/api/v1/reports/kpis", params={"area_id": w.areas["east"]["id"]}, headers=headers)
    assert area.status_code == 404


async def test_a_malformed_period_is_refused_by_name(client):
    await make_world()
    headers = await login(client, "county")
    r = await client.get("/api/v1/reports/kpis", params={"period": "November"}, headers=headers)
    assert r.status_code == 400
    assert "period" in r.json()["error"]["fields"]


async def test_the_kpi_page_shows_the_rates_in_chinese(client, frozen_clock):
    frozen_clock.now = NOV + timedelta(days=10)
    await _scenario()
    token = await client.post("/api/v1/auth/login", json={"username": "street_east", "password": "correct-horse-1"})
    client.cookies.set("jinlin_session", token.json()["token"])
    page = await client.get("/reports", params={"period": "2026-11"})
    assert page.status_code == 200
    assert "响应率" in page.text and "66.7%" in page.text
    assert "overdue need" in page.text
