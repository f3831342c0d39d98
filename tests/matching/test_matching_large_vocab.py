"""What the city run needed from the matcher (issue #10): thousands of skills (the platform's zone
tokens) cost nothing per pair, with the same answers as before; and ``relative_gap`` stops a group at
its rounded relaxation when that is close enough, saying it is not proven optimal."""

from __future__ import annotations

import random

import numpy as np
import pytest
from matching_legacy import legacy_no_candidate_rows

import matching
from matching import AllocationProblem, InstanceError, Location, Need, Offer, Options
from matching.candidates import covers_skills, skill_masks
from matching.explain import no_candidate_rows


def _zoned(seed: int, zones: int = 400) -> AllocationProblem:
    """Needs with one zone token each (and sometimes a skill); offers serving runs of zones."""
    rng = random.Random(seed)
    tokens = [f"zone:{k}" for k in range(zones)]
    cats = ["elder_care", "food", "health"]
    needs = [
        Need(
            f"n{i}",
            rng.randint(1, 4),
            splittable=rng.random() < 0.6,
            category=rng.choice(cats),
            skills=tuple(sorted({rng.choice(tokens)} | ({"nursing"} if rng.random() < 0.2 else set()))),
            location=Location(35 + rng.random() * 0.2, 117 + rng.random() * 0.2),
            colour=rng.choice(["red", "orange", "yellow", "green"]),
        )
        for i in range(150)
    ]
    offers = []
    for j in range(60):
        start = rng.randrange(zones)
        served = tokens[start : start + rng.choice([5, 40, zones])]
        own = ("nursing",) if rng.random() < 0.5 else ()
        offers.append(
            Offer(
                f"o{j}",
                rng.randint(0, 12),
                category=rng.choice(cats),
                skills=tuple(sorted(set(served) | set(own))),
                location=Location(35 + rng.random() * 0.2, 117 + rng.random() * 0.2),
                radius_km=rng.choice([None, 3.0, 8.0]),
                reputation=rng.choice([None, 3.5, 4.8]),
            )
        )
    return AllocationProblem(needs=needs, offers=offers, options=Options(time_limit_s=1, workers=1))


@pytest.mark.parametrize("table", [True, False])
@pytest.mark.parametrize("seed", range(6))
def test_the_sparse_skill_test_agrees_with_the_bit_masks(seed, table, monkeypatch):
    if not table:  # the sorted-keys search, used when a table of every (offer, skill) would be too big
        monkeypatch.setattr("matching.candidates.LOOKUP_TABLE_MAX", 0)
    p = _zoned(seed)
    rng = np.random.default_rng(seed)
    need = rng.integers(0, len(p.needs), 5_000)
    offer = rng.integers(0, len(p.offers), 5_000)
    nmask, omask, _ = skill_masks(p.needs, p.offers)
    dense = np.all((nmask[need] & ~omask[offer]) == 0, axis=1)
    assert (covers_skills(p.needs, p.offers, need, offer) == dense).all()


def test_needs_without_skills_are_covered_by_any_offer():
    needs = [Need("n1", 1), Need("n2", 1, skills=("x",))]
    offers = [Offer("o1", 1), Offer("o2", 1, skills=("x", "y"))]
    need, offer = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    assert covers_skills(needs, offers, need, offer).tolist() == [True, True, False, True]


@pytest.mark.parametrize("seed", range(4))
def test_needs_without_candidates_are_explained_as_before(seed):
    p = _zoned(seed, zones=2_000)
    every = np.arange(len(p.needs))
    assert no_candidate_rows(p, every) == legacy_no_candidate_rows(p, every)


def test_the_lacking_skills_are_named_in_code_point_order():
    here = Location(35.1, 117.2)
    p = AllocationProblem(
        needs=[Need("n1", 1, category="c", skills=("zone:9", "急救", "driving"), location=here)],
        offers=[Offer("o1", 1, category="c", skills=tuple(f"zone:{k}" for k in range(3_000)), location=here)],
    )
    (row,) = matching.solve(p).unmatched
    assert row["would_help"] == {"offer": "o1", "constraint": "skills", "detail": "o1 lacks the skills driving, 急救"}


def _gap_instance() -> AllocationProblem:
    """Unsplittable needs competing for offers, so the rounded relaxation is not optimal."""
    rng = random.Random(3)
    needs = [
        Need(f"n{i:02d}", rng.randint(2, 5), splittable=False, weight=rng.choice([1.0, 2.0, 3.0])) for i in range(30)
    ]
    offers = [Offer(f"o{j}", rng.randint(4, 9)) for j in range(6)]
    return AllocationProblem(needs=needs, offers=offers, options=Options(time_limit_s=2, workers=1))


def test_a_group_stopped_at_the_gap_says_it_is_not_proven_optimal():
    p = _gap_instance()
    searched = matching.solve(p)
    stopped = matching.solve(
        AllocationProblem(p.needs, p.offers, options=Options(time_limit_s=2, workers=1, relative_gap=0.5))
    )
    assert stopped.stats["solver"] == "flow_rounding"
    assert stopped.objective is not None and searched.objective is not None
    assert stopped.objective <= searched.objective + 1e-9
    # CP-SAT proves this one optimal; stopped at the relaxation's bound, the answer does not claim it
    assert searched.status == "optimal"
    assert stopped.status == "feasible"
    assert stopped.bound is not None and stopped.bound > stopped.objective
    # every assignment is whole and within capacity (unsplittable needs: all or nothing)
    qty = {n.id: n.quantity for n in p.needs}
    used: dict[str, int] = {}
    for row in stopped.assignments:
        assert row["quantity"] == qty[row["need"]]
        used[row["offer"]] = used.get(row["offer"], 0) + row["quantity"]
    caps = {o.id: o.capacity for o in p.offers}
    assert all(used[o] <= caps[o] for o in used)


def test_a_zero_gap_searches_as_before():
    p = _gap_instance()
    plain = matching.solve(p)
    zero = matching.solve(
        AllocationProblem(p.needs, p.offers, options=Options(time_limit_s=2, workers=1, relative_gap=0))
    )
    assert zero.to_json() == plain.to_json()
    assert "flow_rounding" not in plain.stats["solver"]


def test_relative_gap_travels_in_the_document_and_is_checked():
    p = AllocationProblem([Need("n1", 1)], [Offer("o1", 1)], options=Options(relative_gap=0.01))
    assert matching.load(matching.dump(p)).options.relative_gap == 0.01
    doc = matching.dump(p)
    doc["options"]["relative_gap"] = 1.5
    with pytest.raises(InstanceError) as err:
        matching.load(doc)
    assert err.value.field == "options.relative_gap"
