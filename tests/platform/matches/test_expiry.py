"""A proposal nobody finished accepting expires after a week and gives back what it held."""

import pytest

from factories import make_need, make_offer, make_world, principal
from jinlin.audit.tables import AuditEvent
from jinlin.matches.service import accept_match, create_match
from jinlin.matches.tables import Match
from jinlin.matches.tasks import expire_stale_proposals_body
from jinlin.notifications.tables import Notification
from jinlin.offers.tables import Offer

pytestmark = pytest.mark.usefixtures("engine")


async def _proposal(w, quantity=2):
    need = await make_need("admin_a", w.orgs["comm_a"])
    offer = await make_offer("liaison", w.orgs["enterprise"])
    match = await create_match(None, need.id, offer.id, quantity, source="run")  # nobody accepted yet
    return need, offer, match


async def test_a_week_old_proposal_half_accepted_expires_and_releases_the_capacity(frozen_clock):
    w = await make_world()
    _, offer, match = await _proposal(w)
    await accept_match(await principal("liaison"), match.id)
    assert (await Offer.select(Offer.capacity_left).where(Offer.id == offer.id).first())["capacity_left"] == 3
    frozen_clock.advance(days=6)
    assert await expire_stale_proposals_body() == 0
    frozen_clock.advance(days=1, minutes=1)
    assert await expire_stale_proposals_body() == 1
    assert (await Match.select(Match.status).where(Match.id == match.id).first())["status"] == "expired"
    assert (await Offer.select(Offer.capacity_left).where(Offer.id == offer.id).first())["capacity_left"] == 5
    assert await Notification.count().where(Notification.kind == "match_expired") == 2
    assert await AuditEvent.exists().where((AuditEvent.action == "expire") & (AuditEvent.object_id == match.id))
    # Running the job again changes nothing (a retried task is harmless).
    assert await expire_stale_proposals_body() == 0
    assert (await Offer.select(Offer.capacity_left).where(Offer.id == offer.id).first())["capacity_left"] == 5


async def test_an_accepted_match_does_not_expire(frozen_clock):
    w = await make_world()
    _, _, match = await _proposal(w)
    await accept_match(await principal("liaison"), match.id)
    await accept_match(await principal("admin_a"), match.id)
    frozen_clock.advance(days=30)
    assert await expire_stale_proposals_body() == 0
    assert (await Match.select(Match.status).where(Match.id == match.id).first())["status"] == "accepted"
