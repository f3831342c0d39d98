"""A hand-made year of work between the factories' communities and units, with known evidence
(the numbers each test checks are worked out by hand in the tests)."""

from __future__ import annotations

from datetime import timedelta

from factories import make_need, make_offer
from jinlin.calls.tables import Call, CallResponse
from jinlin.core import clock
from jinlin.matches.tables import Match
from jinlin.orgs.tables import Registration
from jinlin.ratings.tables import Rating
from jinlin.twinning.tables import Twinning


async def make_match(
    w,
    community: str,
    provider: str,
    *,
    status: str,
    completed_late: bool = False,
    colour: str | None = None,
    quantity: int = 5,
) -> int:
    extra = {"colour": colour} if colour else {}
    user = {"comm_a": "staff_a", "comm_b": "admin_b", "comm_c": "admin_c"}[community]
    liaison = {"enterprise": "liaison", "village": "liaison2", "team": "leader"}[provider]
    need = await make_need(user, w.orgs[community], quantity=quantity, **extra)
    offer = await make_offer(liaison, w.orgs[provider], capacity=quantity)
    now = clock.now()
    completed = None
    if status == "completed":
        completed = need.resolve_by + timedelta(days=1) if completed_late else now
    m = Match(
        need_id=need.id,
        offer_id=offer.id,
        community_id=w.orgs[community]["id"],
        provider_id=w.orgs[provider]["id"],
        quantity=quantity,
        status=status,
        created_at=now,
        updated_at=now,
        community_accepted_at=now,
        provider_accepted_at=now,
        completed_at=completed,
    )
    await m.save()
    return m.id


async def rate(subject_id: int, side: str, rater, ratee, score: int, subject_type: str = "match") -> None:
    now = clock.now()
    await Rating.insert(
        Rating(
            subject_type=subject_type,
            subject_id=subject_id,
            rater_side=side,
            rater_key=f"{subject_type}:{subject_id}:{side}",
            rater_organization_id=rater["id"],
            ratee_organization_id=ratee["id"],
            score=score,
            timeliness=score,
            quality=score,
            communication=score,
            window_closes_at=now + timedelta(days=14),
            created_at=now,
        )
    )


async def pledge(w, community: str, unit: str, *, delay_h: float, matched: bool) -> None:
    now = clock.now()
    call = Call(
        issuer_id=w.orgs[community]["id"],
        area_id=w.areas[community]["id"],
        title="防汛号召",
        quantity=10,
        unit="袋",
        created_at=now,
        updated_at=now,
    )
    await call.save()
    await CallResponse.insert(
        CallResponse(
            call_id=call.id,
            organization_id=w.orgs[unit]["id"],
            response_key=f"{call.id}:{w.orgs[unit]['id']}",
            quantity=5,
            status="matched" if matched else "pledged",
            delay_s=int(delay_h * 3600),
            created_at=now,
            updated_at=now,
        )
    )


async def register(w, community: str, unit: str) -> None:
    await Registration.insert(
        Registration(
            community=w.orgs[community]["id"], kind="unit", organization=w.orgs[unit]["id"], registered_at=clock.now()
        )
    )


async def twin(w, helper: str, community: str, period: int, status: str = "active") -> int:
    now = clock.now()
    t = Twinning(
        helper_id=w.orgs[helper]["id"],
        community_id=w.orgs[community]["id"],
        period=period,
        status=status,
        pair_key=f"{period}:{helper}:{community}:manual",
        accepted_at=now,
        created_at=now,
        updated_at=now,
    )
    await t.save()
    return t.id


async def volunteer_hours(w, organizer: str, area: str, minutes: int) -> None:
    from jinlin.activities.tables import Activity, Shift, Signup

    now = clock.now()
    act = Activity(
        organizer=w.orgs[organizer]["id"],
        title="社区环境整治",
        category="environment",
        area=w.areas[area]["id"],
        status="finished",
        created_at=now,
        updated_at=now,
    )
    await act.save()
    shift = Shift(
        activity=act.id,
        starts_at=now - timedelta(days=1),
        ends_at=now - timedelta(hours=20),
        slots=5,
        slots_left=4,
        checkin_code="123456",
        created_at=now,
    )
    await shift.save()
    await Signup.insert(
        Signup(shift=shift.id, volunteer=w.accounts["volunteer"], status="completed", minutes=minutes, verified_at=now)
    )


async def year_of_work(w) -> None:
    """社区A ↔ 鑫源建材 (registered, two pledges, two matches, rated both ways) and 社区B ↔ 柳林村 (twinned).

    社区A → 鑫源建材: ratings 5; pledges 2 h and 10 h (mean 6 h → 4), one of two matched (→ 3);
    matches: one completed on time of two (→ 3); 20 volunteer hours in 社区A's grid (1 + 4 × 20/40 → 3).
    Items: responsiveness (4+3+3)/3 → 3, quality (5+3)/2 → 4, cooperation (3+3)/2 → 3; overall 3.33.
    鑫源建材 → 社区A: ratings 4, matches 3. responsiveness 3, quality 3.5 → 4, cooperation (no source: all
    evidence (4+3)/2) → 4; overall 3.67.
    社区B ↔ 柳林村: twinning only (4) → 4, 4, 4; overall 4.0 both ways.
    """
    await register(w, "comm_a", "enterprise")
    await pledge(w, "comm_a", "enterprise", delay_h=2, matched=True)
    await pledge(w, "comm_a", "enterprise", delay_h=10, matched=False)
    m1 = await make_match(w, "comm_a", "enterprise", status="completed")
    await make_match(w, "comm_a", "enterprise", status="accepted")
    await rate(m1, "community", w.orgs["comm_a"], w.orgs["enterprise"], 5)
    await rate(m1, "provider", w.orgs["enterprise"], w.orgs["comm_a"], 4)
    await volunteer_hours(w, "enterprise", "grid_a1", 20 * 60)
    await twin(w, "village", "comm_b", 2026)
