import pytest

from factories import make_world, principal
from jinlin.core.errors import Conflict
from jinlin.ratings import service
from jinlin.ratings.service import Scores

GOOD = Scores(score=5, timeliness=5, quality=4, communication=5, comment="好")


async def _rate(side, w, completed_at, scores=GOOD, subject_id=1):
    rater, ratee = (
        (w.orgs["comm_a"], w.orgs["enterprise"]) if side == "community" else (w.orgs["enterprise"], w.orgs["comm_a"])
    )
    return await service.add_rating(
        None,
        subject_type="match",
        subject_id=subject_id,
        rater_side=side,
        scores=scores,
        completed_at=completed_at,
        rater_organization_id=rater["id"],
        ratee_organization_id=ratee["id"],
    )


async def test_the_other_sides_rating_is_hidden_until_you_rate(engine, frozen_clock):
    w = await make_world()
    done = frozen_clock.now
    await _rate("community", w, done)
    provider_view = await service.ratings_for("match", 1, {"provider"})
    assert [(v.visible, v.score) for v in provider_view] == [(False, None)]
    own_view = await service.ratings_for("match", 1, {"community"})
    assert [(v.visible, v.score) for v in own_view] == [(True, 5)]
    await _rate("provider", w, done, Scores(3, 3, 3, 3))
    provider_view = await service.ratings_for("match", 1, {"provider"})
    assert [(v.rater_side, v.visible, v.score) for v in provider_view] == [
        ("community", True, 5),
        ("provider", True, 3),
    ]


async def test_a_rating_becomes_visible_when_the_window_closes(engine, frozen_clock):
    w = await make_world()
    await _rate("community", w, frozen_clock.now)
    frozen_clock.advance(days=13, hours=23)
    assert not (await service.ratings_for("match", 1, {"provider"}))[0].visible
    frozen_clock.advance(hours=1)
    view = (await service.ratings_for("match", 1, {"provider"}))[0]
    assert view.visible and view.score == 5 and view.comment == "好"
    # Also to third parties (county staff), and it now counts for reputation.
    assert (await service.ratings_for("match", 1, set()))[0].visible
    assert (await service.reputation(w.orgs["enterprise"]["id"])).count == 1


async def test_no_rating_after_the_window(engine, frozen_clock):
    w = await make_world()
    done = frozen_clock.now
    frozen_clock.advance(days=14)
    with pytest.raises(Conflict):
        await _rate("provider", w, done)


async def test_a_second_rating_by_the_same_side_is_refused(engine, frozen_clock):
    w = await make_world()
    await _rate("community", w, frozen_clock.now)
    with pytest.raises(Conflict) as caught:
        await _rate("community", w, frozen_clock.now, Scores(1, 1, 1, 1))
    assert caught.value.code == "already_rated"
    assert [v.score for v in await service.ratings_for("match", 1, {"community"})] == [5]


def test_reputation_is_a_bayesian_average_so_one_rating_does_not_dominate():
    assert service.bayesian_average([]) == pytest.approx(3.5)
    assert service.bayesian_average([5]) == pytest.approx((5 * 3.5 + 5) / 6)
    assert service.bayesian_average([1]) == pytest.approx((5 * 3.5 + 1) / 6)
    many = service.bayesian_average([5] * 45)
    assert many == pytest.approx((17.5 + 225) / 50)
    assert service.bayesian_average([5]) < many


async def test_reputation_counts_only_ratings_no_longer_blind(engine, frozen_clock):
    w = await make_world()
    enterprise = w.orgs["enterprise"]["id"]
    await _rate("community", w, frozen_clock.now, subject_id=1)
    assert (await service.reputation(enterprise)).count == 0
    await _rate("provider", w, frozen_clock.now, subject_id=1)
    await _rate("community", w, frozen_clock.now, Scores(4, 4, 4, 4), subject_id=2)
    await _rate("provider", w, frozen_clock.now, subject_id=2)
    rep = await service.reputation(enterprise)
    assert rep.count == 2 and rep.mean == 4.5
    assert rep.score == round((5 * 3.5 + 9) / 7, 2)
    assert (await principal("liaison")).unit_ids == {enterprise}
