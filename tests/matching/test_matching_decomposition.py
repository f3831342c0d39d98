"""Solving the components one by one and merging gives exactly the whole solution."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from matching_strategies import allocation_derived, allocation_with_arcs

import matching
from matching import decompose

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def tiny_groups(monkeypatch):
    monkeypatch.setattr(decompose, "GROUP_ARCS", 2)


def _whole_and_merged(doc):
    problem = matching.load(doc)
    whole = matching.solve(problem)
    parts = matching.components(problem)
    # as a task queue would: the parts go out as documents and come back as documents
    merged = matching.merge(
        [
            matching.Solution.from_dict(
                json.loads(matching.solve(matching.load(json.loads(json.dumps(matching.dump(p))))).to_json())
            )
            for p in parts
        ]
    )
    return problem, whole, merged, parts


@SETTINGS
@given(allocation_with_arcs(unsplittable=True))
def test_merged_components_equal_the_whole_with_listed_arcs(tiny_groups, doc):
    problem, whole, merged, _ = _whole_and_merged(doc)
    assert merged.to_json() == whole.to_json()
    problem.options.decompose = False
    single = matching.solve(problem)
    assert single.status == whole.status
    if whole.has_solution:
        assert math.isclose(single.objective, whole.objective, rel_tol=1e-9, abs_tol=1e-9)


@SETTINGS
@given(allocation_derived())
def test_merged_components_equal_the_whole_with_derived_candidates(tiny_groups, doc):
    problem, whole, merged, parts = _whole_and_merged(doc)
    assert merged.to_json() == whole.to_json()
    assert sum(len(p.needs) for p in parts) == len(problem.needs)
    assert sum(len(p.offers) for p in parts) == len(problem.offers)


def test_components_split_by_category_and_each_is_solved_alone(monkeypatch):
    monkeypatch.setattr(decompose, "GROUP_ARCS", 1)
    doc = {
        "kind": "allocation",
        "needs": [
            {"id": "a", "quantity": 2, "category": "food"},
            {"id": "b", "quantity": 1, "category": "care"},
            {"id": "c", "quantity": 1, "category": "none"},
        ],
        "offers": [{"id": "x", "capacity": 5, "category": "food"}, {"id": "y", "capacity": 5, "category": "care"}],
    }
    parts = matching.components(matching.load(doc))
    assert [[n.id for n in p.needs] for p in parts] == [["a"], ["b"], ["c"]]
    assert [o.id for o in parts[2].reference_offers] == ["x", "y"]
    merged = matching.merge([matching.solve(p) for p in parts])
    assert merged.to_json() == matching.solve(matching.load(doc)).to_json()


def test_parallel_processes_give_the_same_solution(monkeypatch):
    doc = {"kind": "allocation", "needs": [], "offers": [], "arcs": []}
    for k in range(12):
        doc["needs"] += [{"id": f"n{k}a", "quantity": 3}, {"id": f"n{k}b", "quantity": 2, "splittable": k % 2 == 0}]
        doc["offers"].append({"id": f"o{k}", "capacity": 4})
        doc["arcs"] += [
            {"need": f"n{k}a", "offer": f"o{k}", "value": 1 + k},
            {"need": f"n{k}b", "offer": f"o{k}", "value": 2.5},
        ]
    monkeypatch.setattr(decompose, "GROUP_ARCS", 2)
    sequential = matching.solve(matching.load({**doc, "options": {"workers": 1}}))
    monkeypatch.setattr(decompose, "PARALLEL_ARCS", 0)
    calls = []
    real = decompose.ProcessPoolExecutor

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(decompose, "ProcessPoolExecutor", spy)
    parallel = matching.solve(matching.load({**doc, "options": {"workers": 2}}))
    assert calls, "the parallel path was not taken"
    assert json.loads(parallel.to_json()) == json.loads(sequential.to_json())
    assert parallel.status == "optimal"
    assert len(matching.components(matching.load(doc))) == 12
