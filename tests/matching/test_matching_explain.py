"""Every assignment says why; every need left short says why and what would help."""

from __future__ import annotations

import matching
from matching import AllocationProblem, Location, Need, Offer


def _here(dlon: float = 0.0) -> Location:
    return Location(35.10, 117.20 + dlon)


def test_assignment_reasons_name_category_distance_skills_and_colour():
    sol = matching.solve(
        AllocationProblem(
            needs=[Need("n1", 2, category="elder_care", skills=("nursing",), location=_here(), colour="red")],
            offers=[
                Offer(
                    "o1",
                    5,
                    category="elder_care",
                    skills=("nursing",),
                    location=_here(0.05),
                    radius_km=10,
                    reputation=4.5,
                )
            ],
        )
    )
    (row,) = sol.assignments
    assert row["reasons"] == ["same category", "4.5 km away", "skills covered", "colour red", "reputation 4.5"]


def test_need_without_candidate_names_the_rule_and_what_would_help():
    sol = matching.solve(
        AllocationProblem(
            needs=[Need("n1", 2, category="food", skills=("driving",), location=_here())],
            offers=[
                Offer("far", 5, category="food", skills=("driving",), location=_here(0.2), radius_km=5),
                Offer("wrong", 5, category="care", skills=("driving",), location=_here(0.3)),
                Offer("unskilled", 5, category="food", location=_here(0.4)),
            ],
        )
    )
    (row,) = sol.unmatched
    assert row["reason"] == "no_candidate"
    assert [n["offer"] for n in row["nearest"]] == ["far", "wrong", "unskilled"]
    assert [n["excluded_by"] for n in row["nearest"]] == [["radius"], ["category"], ["skills"]]
    assert row["would_help"]["offer"] == "far" and row["would_help"]["constraint"] == "radius"
    assert "beyond its radius of 5.0 km" in row["would_help"]["detail"]


def test_need_outranked_names_the_needs_that_took_the_capacity():
    sol = matching.solve(
        AllocationProblem(needs=[Need("urgent", 3, weight=4.0), Need("later", 2, weight=1.0)], offers=[Offer("o1", 3)])
    )
    (row,) = sol.unmatched
    assert row["need"] == "later" and row["reason"] == "capacity_taken" and row["taken_by"] == ["urgent"]
    assert row["would_help"] == {"offer": "o1", "constraint": "capacity", "detail": "2 more capacity at o1"}


def test_need_with_only_worthless_arcs_is_not_worth_serving():
    sol = matching.solve(
        AllocationProblem(needs=[Need("n", 1)], offers=[Offer("o", 1)], arcs=[matching.Arc("n", "o", -1.0)])
    )
    assert sol.unmatched[0]["reason"] == "not_worth_serving"


def test_twinning_and_roster_rows_carry_reasons():
    tw = matching.solve(
        matching.load(
            {
                "kind": "twinning",
                "communities": [{"id": "c1", "current_helpers": ["h1"], "weakness": {"funding_gap": 0.9}}],
                "helpers": [{"id": "h1", "strength": {"funding_gap": 0.8}}],
            }
        )
    )
    assert tw.assignments[0]["reasons"] == ["strengths meet weaknesses: funding_gap", "continues a current pair"]
    ro = matching.solve(
        matching.load(
            {
                "kind": "roster",
                "shifts": [
                    {
                        "id": "s1",
                        "start": "2026-12-05T09:00:00+08:00",
                        "end": "2026-12-05T12:00:00+08:00",
                        "slots": 2,
                        "skills": ["first_aid"],
                    }
                ],
                "volunteers": [{"id": "v1", "skills": ["first_aid"]}, {"id": "v2"}],
            }
        )
    )
    assert ro.assignments[0]["reasons"] == ["within availability", "skills covered: first_aid", "3 h"]
    assert ro.unmatched == [
        {
            "shift": "s1",
            "quantity": 1,
            "reason": "no_candidate",
            "detail": "every eligible volunteer is already on this shift",
        }
    ]


def test_partly_served_need_says_its_offers_are_full_with_its_own_share():
    sol = matching.solve(
        AllocationProblem(needs=[Need("a", 3)], offers=[Offer("o", 2)], arcs=[matching.Arc("a", "o", 1.0)])
    )
    (row,) = sol.unmatched
    assert row["quantity"] == 1 and row["reason"] == "capacity_taken" and row["taken_by"] == []
    assert row["detail"] == "its 1 candidate offer(s) are full with what this need already got"
