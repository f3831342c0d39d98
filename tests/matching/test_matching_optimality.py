"""The matcher's objective equals HiGHS's optimum on many small random instances of every kind, every
solution passes an independent feasibility check, and infeasible instances are reported as such."""

from __future__ import annotations

import json
import math

from hypothesis import HealthCheck, given, settings
from matching_reference import (
    check_allocation,
    check_roster,
    check_twinning,
    derived_arcs,
    optimum_allocation,
    optimum_roster,
    optimum_twinning,
)
from matching_strategies import allocation_derived, allocation_with_arcs, roster, twinning

import matching

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _agree(doc: dict, expected: float | None, check) -> dict:
    sol = json.loads(matching.solve(matching.load(doc)).to_json())
    check(doc, sol)
    if expected is None:
        assert sol["status"] == "infeasible", sol
    else:
        assert sol["status"] == "optimal", sol
        # derived values are rounded to 1e-6 on both sides; a last-digit difference may add up
        assert math.isclose(sol["objective"], expected, rel_tol=1e-6, abs_tol=1e-5), (sol["objective"], expected)
        assert sol["bound"] == sol["objective"]
    return sol


@SETTINGS
@given(allocation_with_arcs())
def test_splittable_allocation_is_optimal_and_feasible(doc):
    sol = _agree(doc, optimum_allocation(doc), check_allocation)
    if sol["status"] == "optimal":
        assert sol["stats"]["solver"] in ("min_cost_flow", "none")


@SETTINGS
@given(allocation_with_arcs(unsplittable=True))
def test_mixed_splittable_and_unsplittable_allocation_is_optimal_and_feasible(doc):
    _agree(doc, optimum_allocation(doc), check_allocation)


@SETTINGS
@given(allocation_with_arcs(unsplittable=True, loads=True))
def test_unsplittable_allocation_with_loads_is_optimal_and_feasible(doc):
    _agree(doc, optimum_allocation(doc), check_allocation)


@SETTINGS
@given(allocation_derived())
def test_derived_candidates_follow_the_rules_and_the_value_formula(doc):
    from matching.candidates import build_arcs

    problem = matching.load(doc)
    arcs = build_arcs(problem)
    got = {
        (problem.needs[i].id, problem.offers[j].id): v
        for i, j, v in zip(arcs.need.tolist(), arcs.offer.tolist(), arcs.value.tolist(), strict=True)
    }
    want = {(a["need"], a["offer"]): a["value"] for a in derived_arcs(doc)}
    assert got.keys() == want.keys()
    for key, value in want.items():
        assert math.isclose(got[key], value, rel_tol=1e-6, abs_tol=2e-6), key
    _agree(doc, optimum_allocation(doc), check_allocation)


@SETTINGS
@given(twinning())
def test_twinning_with_derived_values_is_optimal(doc):
    _agree(doc, optimum_twinning(doc), check_twinning)


@SETTINGS
@given(twinning(explicit=True))
def test_twinning_with_listed_arcs_is_optimal(doc):
    _agree(doc, optimum_twinning(doc), check_twinning)


@SETTINGS
@given(roster())
def test_roster_is_optimal_and_respects_windows_skills_overlaps_and_hours(doc):
    _agree(doc, optimum_roster(doc), check_roster)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(doc=twinning())
def test_twinning_pricing_of_left_out_pairs_still_reaches_the_optimum(monkeypatch, doc):
    from matching import twinning as tw

    monkeypatch.setattr(tw, "PRICING_MIN_ARCS", 0)
    monkeypatch.setattr(tw, "PRUNE_EXTRA", -1)  # keep only the best pair or two, so pricing must add more
    _agree(doc, optimum_twinning(doc), check_twinning)
