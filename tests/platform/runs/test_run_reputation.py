"""Matching runs weigh providers by the same Bayesian reputation their pages show; blind ratings don't count."""

from datetime import timedelta

import pytest

from factories import make_world
from jinlin.core import clock
from jinlin.ratings.tables import Rating
from jinlin.runs.allocation import reputations

pytestmark = pytest.mark.usefixtures("engine")


async def _rating(w, subject_id, score, window_closed):
    closes = clock.now() + timedelta(days=-1 if window_closed else 14)
    await Rating(
        subject_type="match",
        subject_id=subject_id,
        rater_side="community",
        rater_key=f"match:{subject_id}:community",
        rater_organization_id=w.orgs["comm_a"]["id"],
        ratee_organization_id=w.orgs["enterprise"]["id"],
        score=score,
        timeliness=score,
        quality=score,
        communication=score,
        window_closes_at=closes,
    ).save()


async def test_one_five_star_rating_moves_the_reputation_only_a_little():
    w = await make_world()
    await _rating(w, 1, 5, window_closed=True)
    rep = await reputations([w.orgs["enterprise"]["id"], w.orgs["village"]["id"]])
    assert rep[w.orgs["enterprise"]["id"]] == round((5 * 3.5 + 5) / 6, 2)
    assert rep[w.orgs["village"]["id"]] == 3.5  # never rated: the prior


async def test_a_rating_still_blind_does_not_count_yet():
    w = await make_world()
    await _rating(w, 2, 1, window_closed=False)
    assert (await reputations([w.orgs["enterprise"]["id"]]))[w.orgs["enterprise"]["id"]] == 3.5
