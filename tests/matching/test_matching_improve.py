"""The unsplittable improvement steps keep solutions feasible and never make them worse."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from matching_strategies import allocation_with_arcs

import matching
from matching import allocation as A
from matching.candidates import build_arcs, sides
from matching.decompose import local_group, partition
from matching.improve import local_search, neighbourhood_search


def _feasible(g, x):
    used = np.bincount(g.arc_offer, weights=x * g.load, minlength=len(g.cap))
    served = np.bincount(g.arc_need, weights=x, minlength=len(g.qty))
    rows = np.bincount(g.arc_need, weights=x > 0, minlength=len(g.qty))
    assert np.all(used <= g.cap)
    assert np.all(served <= g.qty)
    assert np.all(served[g.required] == g.qty[g.required])
    un = ~g.splittable
    assert np.all((served[un] == 0) | ((served[un] == g.qty[un]) & (rows[un] == 1)))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(allocation_with_arcs(unsplittable=True, loads=True))
def test_local_and_neighbourhood_search_keep_feasibility_and_never_lose_value(doc):
    problem = matching.load(doc)
    sd, arcs = sides(problem), build_arcs(problem)
    for gi in partition(sd, arcs, 1.0).groups:
        g = local_group(sd, arcs, gi)
        seed = A._repair(g, g.value - 1e-9 * g.load)
        if seed is None:
            continue
        _feasible(g, seed)
        better = local_search(g, seed, 10_000)
        _feasible(g, better)
        assert A._objective(g, better) >= A._objective(g, seed) - 1e-9
        hood = neighbourhood_search(g, better, 0.5, 2, 0.05, A._sub_solve)
        _feasible(g, hood)
        assert A._objective(g, hood) >= A._objective(g, better) - 1e-9


def test_local_search_moves_a_need_to_make_room_for_a_more_valuable_one():
    problem = matching.AllocationProblem(
        needs=[matching.Need("small", 2, splittable=False), matching.Need("big", 3, splittable=False)],
        offers=[matching.Offer("a", 3), matching.Offer("b", 2)],
        arcs=[matching.Arc("small", "a", 1.0), matching.Arc("small", "b", 0.9), matching.Arc("big", "a", 5.0)],
    )
    sd, arcs = sides(problem), build_arcs(problem)
    g = local_group(sd, arcs, partition(sd, arcs, 1.0).groups[0])
    seed = np.array([2, 0, 0])  # small on a blocks big
    better = local_search(g, seed, 1_000)
    assert better.tolist() == [0, 2, 3]
