"""The contract's addition: a need and an offer are candidates only when their units and items agree."""

from __future__ import annotations

import json

import matching
from matching import AllocationProblem, Need, Offer
from matching.units import canonical_unit, compatible


def _assigned(problem: AllocationProblem) -> set[tuple[str, str]]:
    return {(a["need"], a["offer"]) for a in matching.solve(problem).to_dict()["assignments"]}


def test_a_need_in_quilts_is_never_served_by_sandbags_or_vegetables():
    problem = AllocationProblem(
        needs=[Need("quilts", 50, category="materials", unit="床", item="棉被")],
        offers=[
            Offer("sandbags", 200, category="materials", unit="袋", item="沙袋"),
            Offer("greens", 300, category="materials", unit="斤", item="蔬菜"),
        ],
    )
    doc = json.loads(matching.solve(problem).to_json())
    assert doc.get("assignments", []) == []
    assert doc["unmatched"][0]["need"] == "quilts" and doc["unmatched"][0]["reason"] == "no_candidate"
    excluded = {n["offer"]: n["excluded_by"] for n in doc["unmatched"][0]["nearest"]}
    assert excluded == {"greens": ["unit", "item"], "sandbags": ["unit", "item"]}


def test_synonymous_units_are_one_unit_and_a_different_unit_is_not():
    problem = AllocationProblem(
        needs=[Need("rice", 40, category="materials", unit="公斤")],
        offers=[Offer("kg", 30, category="materials", unit="千克"), Offer("jin", 100, category="materials", unit="斤")],
    )
    assert _assigned(problem) == {("rice", "kg")}


def test_a_named_item_needs_the_same_item_and_an_unnamed_need_takes_any():
    problem = AllocationProblem(
        needs=[
            Need("quilt", 5, category="materials", unit="床", item="棉被"),
            Need("anything", 5, category="materials", unit="床"),
        ],
        offers=[
            Offer("blankets", 5, category="materials", unit="床", item=" 毛毯 "),
            Offer("quilts", 5, category="materials", unit="床", item="棉被"),
        ],
    )
    assert _assigned(problem) == {("quilt", "quilts"), ("anything", "blankets")}


def test_a_side_without_a_unit_agrees_with_any_unit():
    assert compatible(None, None, "袋", None) and compatible("次", None, "", None)
    assert compatible("次", None, "人次", None) and not compatible("次", None, "小时", None)
    assert canonical_unit(" KG ") == canonical_unit("公斤")


def test_units_and_items_survive_a_json_round_trip_and_rule_in_explicit_arcs_too():
    doc = {
        "kind": "allocation",
        "needs": [{"id": "n", "quantity": 2, "unit": "床", "item": "棉被"}],
        "offers": [{"id": "o", "capacity": 2, "unit": "袋", "item": "沙袋"}],
    }
    problem = matching.load(doc)
    assert problem.needs[0].unit == "床" and problem.offers[0].item == "沙袋"
    assert matching.load(matching.dump(problem)) == problem
    assert _assigned(problem) == set()
    # listed arcs are the caller's decision: the rule applies to derived candidates only
    listed = matching.load({**doc, "arcs": [{"need": "n", "offer": "o", "value": 1.0}]})
    assert _assigned(listed) == {("n", "o")}
