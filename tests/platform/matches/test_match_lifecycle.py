import asyncio

import pytest

from factories import make_need, make_offer, make_world, principal
from jinlin.audit.tables import AuditEvent
from jinlin.core.errors import Conflict, Forbidden, NotFound, WrongStatus
from jinlin.matches import service
from jinlin.needs.service import get_row as need_row
from jinlin.notifications.tables import Notification
from jinlin.offers.service import get_row as offer_row


async def _pair(w, need_quantity=5, capacity=5, quantity=2, **need_fields):
    need = await make_need("staff_a", w.orgs["comm_a"], quantity=need_quantity, **need_fields)
    offer = await make_offer("liaison", w.orgs["enterprise"], capacity=capacity)
    # proposed by a run: neither side has accepted yet (a proposal by hand is accepted by its proposer)
    match = await service.create_match(None, need.id, offer.id, quantity, source="run")
    return need, offer, match


async def test_a_proposal_reserves_nothing_until_the_provider_accepts(engine):
    w = await make_world()
    need, offer, match = await _pair(w)
    assert match.status == "proposed" and match.proposed_by == "system"
    assert (await offer_row(offer.id))["capacity_left"] == 5
    accepted = await service.accept_match(await principal("liaison"), match.id)
    assert accepted.provider_accepted_at is not None and accepted.status == "proposed"
    assert (await offer_row(offer.id))["capacity_left"] == 3
    assert (await need_row(need.id))["quantity_matched"] == 2


async def test_the_whole_lifecycle_ends_with_the_need_resolved(engine):
    w = await make_world()
    need, offer, match = await _pair(w, need_quantity=2, quantity=2)
    m = await service.accept_match(await principal("staff_a"), match.id)
    assert m.community_accepted_at is not None and m.status == "proposed"
    m = await service.accept_match(await principal("liaison"), match.id)
    assert m.status == "accepted"
    assert (await need_row(need.id))["status"] == "matched"
    m = await service.start_match(await principal("liaison"), match.id)
    assert m.status == "in_progress"
    assert (await need_row(need.id))["status"] == "in_progress"
    m = await service.complete_match(await principal("grid_a"), match.id)
    assert m.status == "completed" and m.completed_at is not None
    row = await need_row(need.id)
    assert row["status"] == "resolved" and row["quantity_done"] == 2
    assert (await offer_row(offer.id))["capacity_left"] == 3
    actions = [r["action"] for r in await AuditEvent.select().where(AuditEvent.object_type == "match")]
    assert actions == ["propose", "accept", "accept", "start", "complete"]


async def test_a_partial_completion_leaves_the_need_open(engine):
    w = await make_world()
    need, _, match = await _pair(w, need_quantity=5, quantity=2)
    for who in ("staff_a", "liaison"):
        await service.accept_match(await principal(who), match.id)
    await service.start_match(await principal("staff_a"), match.id)
    await service.complete_match(await principal("staff_a"), match.id)
    assert (await need_row(need.id))["status"] == "in_progress"


@pytest.mark.parametrize("action", ["decline", "cancel"])
async def test_declining_or_cancelling_releases_the_reservation(engine, action):
    w = await make_world()
    need, offer, match = await _pair(w, need_quantity=2, capacity=2, quantity=2)
    await service.accept_match(await principal("liaison"), match.id)
    assert (await offer_row(offer.id))["status"] == "exhausted"
    assert (await need_row(need.id))["status"] == "matched"
    fn = service.decline_match if action == "decline" else service.cancel_match
    m = await fn(await principal("staff_a"), match.id)
    assert m.status == ("declined" if action == "decline" else "cancelled")
    offer_after, need_after = await offer_row(offer.id), await need_row(need.id)
    assert offer_after["capacity_left"] == 2 and offer_after["status"] == "published"
    assert need_after["quantity_matched"] == 0 and need_after["status"] == "published"


async def test_cancelling_an_accepted_match_releases_it_too(engine):
    w = await make_world()
    _, offer, match = await _pair(w)
    for who in ("staff_a", "liaison"):
        await service.accept_match(await principal(who), match.id)
    await service.cancel_match(await principal("liaison"), match.id)
    assert (await offer_row(offer.id))["capacity_left"] == 5


REFUSED = [
    # (status reached first, action, who)
    ("proposed", "start", "liaison"),
    ("proposed", "complete", "staff_a"),
    ("accepted", "accept", "liaison"),
    ("accepted", "decline", "staff_a"),
    ("accepted", "complete", "staff_a"),
    ("in_progress", "cancel", "staff_a"),
    ("in_progress", "start", "liaison"),
    ("completed", "cancel", "liaison"),
    ("completed", "complete", "staff_a"),
    ("declined", "accept", "staff_a"),
    ("cancelled", "start", "staff_a"),
]


async def _reach(match_id: int, status: str) -> None:
    if status == "declined":
        await service.decline_match(await principal("liaison"), match_id)
        return
    if status == "cancelled":
        await service.cancel_match(await principal("staff_a"), match_id)
        return
    if status == "proposed":
        return
    for who in ("staff_a", "liaison"):
        await service.accept_match(await principal(who), match_id)
    if status in ("in_progress", "completed"):
        await service.start_match(await principal("staff_a"), match_id)
    if status == "completed":
        await service.complete_match(await principal("staff_a"), match_id)


@pytest.mark.parametrize(("status", "action", "who"), REFUSED)
async def test_a_transition_from_the_wrong_status_is_refused_naming_the_status(engine, status, action, who):
    w = await make_world()
    _, offer, match = await _pair(w)
    await _reach(match.id, status)
    before = (await offer_row(offer.id))["capacity_left"]
    fn = getattr(service, f"{action}_match")
    with pytest.raises(WrongStatus) as caught:
        await fn(await principal(who), match.id)
    assert caught.value.current == status
    assert status in caught.value.message
    assert (await service.get_row(match.id))["status"] == status
    assert (await offer_row(offer.id))["capacity_left"] == before


async def test_a_side_cannot_accept_twice(engine):
    w = await make_world()
    _, offer, match = await _pair(w)
    await service.accept_match(await principal("liaison"), match.id)
    with pytest.raises(Conflict):
        await service.accept_match(await principal("liaison"), match.id)
    assert (await offer_row(offer.id))["capacity_left"] == 3


async def test_an_acceptance_beyond_the_capacity_left_is_refused_and_changes_nothing(engine):
    w = await make_world()
    need = await make_need("staff_a", w.orgs["comm_a"], quantity=10)
    offer = await make_offer("liaison", w.orgs["enterprise"], capacity=3)
    liaison = await principal("liaison")
    first = await service.create_match(None, need.id, offer.id, 2, source="run")
    need2 = await make_need("staff_a", w.orgs["comm_a"], quantity=10, title="第二个")
    second = await service.create_match(None, need2.id, offer.id, 2, source="run")
    await service.accept_match(liaison, first.id)
    with pytest.raises(Conflict) as caught:
        await service.accept_match(liaison, second.id)
    assert caught.value.code == "capacity_taken"
    assert (await offer_row(offer.id))["capacity_left"] == 1
    assert (await service.get_row(second.id))["provider_accepted_at"] is None
    assert (await need_row(need2.id))["quantity_matched"] == 0


async def test_whoever_proposes_by_hand_has_accepted_for_their_side(engine):
    w = await make_world()
    need = await make_need("staff_a", w.orgs["comm_a"], quantity=5)
    offer = await make_offer("liaison", w.orgs["enterprise"], capacity=5)
    by_unit = await service.create_match(await principal("liaison"), need.id, offer.id, 2)
    assert by_unit.provider_accepted_at is not None and by_unit.community_accepted_at is None
    assert (await offer_row(offer.id))["capacity_left"] == 3  # the provider's acceptance reserves
    with pytest.raises(Conflict):
        await service.accept_match(await principal("liaison"), by_unit.id)
    need2 = await make_need("staff_a", w.orgs["comm_a"], quantity=5, title="第二个")
    by_community = await service.create_match(await principal("staff_a"), need2.id, offer.id, 1)
    assert by_community.community_accepted_at is not None and by_community.provider_accepted_at is None
    assert (await service.accept_match(await principal("liaison"), by_community.id)).status == "accepted"


async def test_the_other_side_is_notified_of_each_step(engine):
    w = await make_world()
    _, _, match = await _pair(w)
    await service.accept_match(await principal("staff_a"), match.id)
    kinds = [(r["kind"], r["organization"]) for r in await Notification.select().order_by(Notification.id)]
    assert kinds == [
        ("match_proposed", w.orgs["comm_a"]["id"]),
        ("match_proposed", w.orgs["enterprise"]["id"]),
        ("match_accepted", w.orgs["enterprise"]["id"]),
    ]


async def test_twenty_concurrent_acceptances_leave_exactly_five(engine, backend):
    w = await make_world()
    offer = await make_offer("liaison", w.orgs["enterprise"], capacity=5)
    liaison, staff = await principal("liaison"), await principal("staff_a")
    matches = []
    for i in range(20):
        need = await make_need("staff_a", w.orgs["comm_a"], quantity=1, title=f"需求{i}")
        matches.append(await service.create_match(staff, need.id, offer.id, 1))
    results = await asyncio.gather(*(service.accept_match(liaison, m.id) for m in matches), return_exceptions=True)
    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(won) == 5, lost
    assert all(isinstance(e, Conflict) for e in lost), lost
    row = await offer_row(offer.id)
    assert row["capacity_left"] == 0 and row["status"] == "exhausted"
    reserved = [m for m in await service.Match.select() if m["provider_accepted_at"] is not None]
    assert len(reserved) == 5


async def test_a_liaison_cannot_accept_for_another_unit(engine):
    w = await make_world()
    _, offer, match = await _pair(w)
    with pytest.raises((Forbidden, NotFound)):
        await service.accept_match(await principal("liaison2"), match.id, "provider")
    assert (await offer_row(offer.id))["capacity_left"] == 5


async def test_community_b_cannot_accept_for_community_a(engine):
    w = await make_world()
    _, _, match = await _pair(w)
    with pytest.raises((Forbidden, NotFound)):
        await service.accept_match(await principal("admin_b"), match.id, "community")
    assert (await service.get_row(match.id))["community_accepted_at"] is None


async def test_only_the_community_completes(engine):
    w = await make_world()
    _, _, match = await _pair(w)
    await _reach(match.id, "in_progress")
    with pytest.raises(Forbidden):
        await service.complete_match(await principal("liaison"), match.id)
