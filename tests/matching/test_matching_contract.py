"""The JSON contract: malformed instances name the field, solutions are deterministic documents."""

from __future__ import annotations

import copy
import json

import pytest

import matching
from matching import AllocationProblem, InstanceError, Need, Offer, Options

BASE = {
    "kind": "allocation",
    "needs": [
        {
            "id": "n1",
            "quantity": 4,
            "splittable": True,
            "required": False,
            "category": "elder_care",
            "weight": 3.0,
            "skills": ["nursing"],
            "location": {"lat": 35.10, "lon": 117.20},
            "community": "c1",
        },
        {"id": "n2", "quantity": 3, "splittable": False},
    ],
    "offers": [
        {
            "id": "o1",
            "capacity": 10,
            "category": "elder_care",
            "skills": ["nursing", "first_aid"],
            "location": {"lat": 35.10, "lon": 117.25},
            "radius_km": 5.0,
            "reputation": 4.2,
            "provider": "u7",
        }
    ],
    "arcs": [{"need": "n1", "offer": "o1", "value": 12.5, "load": 1}, {"need": "n2", "offer": "o1", "value": 2}],
    "options": {"time_limit_s": 10},
}


def _broken(path, value):
    doc = copy.deepcopy(BASE)
    target = doc
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


MALFORMED = [
    (("kind",), "lottery", "kind: must be one of allocation, twinning, roster"),
    (("needs",), KeyError, "needs: is required"),
    (("needs",), {}, "needs: must be a list"),
    (("needs", 1), "n2", "needs[1]: must be an object"),
    (("needs", 0, "id"), 7, "needs[0].id: must be a non-empty string"),
    (("needs", 1, "id"), "n1", "needs[1].id: duplicate id 'n1'"),
    (("needs", 1, "quantity"), -3, "needs[1].quantity: must be a non-negative integer"),
    (("needs", 1, "quantity"), 2.5, "needs[1].quantity: must be a non-negative integer"),
    (("needs", 1, "quantity"), True, "needs[1].quantity: must be a non-negative integer"),
    (("needs", 0, "splittable"), "yes", "needs[0].splittable: must be true or false"),
    (("needs", 0, "required"), 1, "needs[0].required: must be true or false"),
    (("needs", 0, "weight"), "high", "needs[0].weight: must be a finite number"),
    (("needs", 0, "skills"), "nursing", "needs[0].skills: must be a list of strings"),
    (("needs", 0, "location", "lat"), 123.0, "needs[0].location.lat: must be a number between -90 and 90"),
    (("needs", 0, "location", "lon"), None, "needs[0].location.lon: must be a number"),
    (("offers", 0, "capacity"), -1, "offers[0].capacity: must be a non-negative integer"),
    (("offers", 0, "radius_km"), -5, "offers[0].radius_km: must be a number >= 0"),
    (("arcs", 0, "need"), "ghost", "arcs[0].need: unknown need 'ghost'"),
    (("arcs", 1, "offer"), "ghost", "arcs[1].offer: unknown offer 'ghost'"),
    (("arcs", 0, "value"), "lots", "arcs[0].value: must be a finite number"),
    (("arcs", 0, "load"), 2, "arcs[0].load: must be 1 for a splittable need"),
    (("arcs", 1, "load"), -2, "arcs[1].load: must be a non-negative integer"),
    (("arcs", 1, "need"), "n1", "arcs[1]: duplicate arc 'n1' -> 'o1'"),
    (("options", "time_limit_s"), 0, "options.time_limit_s: must be a positive number"),
]


@pytest.mark.parametrize(("path", "value", "message"), MALFORMED, ids=[m for _, _, m in MALFORMED])
def test_malformed_allocation_names_the_field(path, value, message):
    with pytest.raises(InstanceError) as err:
        matching.load(_broken(path, value))
    assert str(err.value) == message
    assert "\n" not in str(err.value)


TWIN = {
    "kind": "twinning",
    "communities": [{"id": "c1", "min_helpers": 2, "max_helpers": 1}],
    "helpers": [{"id": "h1"}],
}
ROSTER = {
    "kind": "roster",
    "shifts": [{"id": "s1", "start": "2026-12-05T09:00:00+08:00", "end": "2026-12-05T08:00:00+08:00", "slots": 1}],
    "volunteers": [{"id": "v1"}],
}


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (TWIN, "communities[0].max_helpers: must be at least min_helpers"),
        (
            {**TWIN, "communities": [{"id": "c1"}], "arcs": [{"community": "c1", "helper": "h9", "value": 1}]},
            "arcs[0].helper: unknown helper 'h9'",
        ),
        (ROSTER, "shifts[0].end: must be after start"),
        (
            {**ROSTER, "shifts": [{"id": "s1", "start": "2026-12-05 09:00", "end": "x", "slots": 1}]},
            "shifts[0].start: must be an ISO 8601 date-time with a UTC offset",
        ),
        (
            {
                **ROSTER,
                "shifts": [
                    {
                        "id": "s1",
                        "start": "2026-12-05T09:00:00+08:00",
                        "end": "2026-12-05T10:00:00+08:00",
                        "slots": 1,
                        "min_filled": 2,
                    }
                ],
            },
            "shifts[0].min_filled: must be at most slots",
        ),
        (
            {**ROSTER, "shifts": [], "volunteers": [{"id": "v1", "max_hours": "many"}]},
            "volunteers[0].max_hours: must be a finite number",
        ),
        ([1, 2], "instance: must be a JSON object"),
    ],
)
def test_malformed_twinning_and_roster_name_the_field(doc, message):
    with pytest.raises(InstanceError) as err:
        matching.load(doc)
    assert str(err.value) == message


def test_dataclasses_built_in_code_are_checked_by_solve():
    bad = AllocationProblem(needs=[Need("n1", 2), Need("n1", 3)], offers=[Offer("o1", 1)])
    with pytest.raises(InstanceError, match=r"^needs\[1\]\.id: duplicate id 'n1'$"):
        matching.solve(bad)


def test_the_contract_example_solves_to_a_complete_document():
    doc = json.loads(matching.solve(matching.load(BASE)).to_json())
    assert list(doc) == ["kind", "status", "objective", "bound", "assignments", "unmatched", "stats"]
    assert doc["status"] == "optimal" and doc["objective"] == doc["bound"] == 50.0 + 6.0
    assert {(a["need"], a["offer"], a["quantity"]) for a in doc["assignments"]} == {("n1", "o1", 4), ("n2", "o1", 3)}
    assert doc["assignments"][0]["reasons"][:3] == ["listed arc", "same category", "4.5 km away"]
    assert doc["stats"]["needs"] == 2 and doc["stats"]["offers"] == 1 and doc["stats"]["arcs"] == 2
    assert "wall_s" not in doc["stats"]
    assert "wall_s" in json.loads(matching.solve(matching.load(BASE)).to_json(include_timing=True))["stats"]


def test_same_instance_gives_byte_identical_documents():
    big = {"kind": "allocation", "needs": [], "offers": []}
    for i in range(60):
        big["needs"].append(
            {
                "id": f"n{i:02d}",
                "quantity": 1 + i % 4,
                "splittable": i % 3 != 0,
                "category": "food",
                "location": {"lat": 35 + (i % 7) / 100, "lon": 117 + i / 1000},
            }
        )
    for j in range(8):
        big["offers"].append(
            {
                "id": f"o{j}",
                "capacity": 5,
                "category": "food",
                "radius_km": 6.0,
                "location": {"lat": 35 + j / 100, "lon": 117.02},
            }
        )
    runs = {matching.solve(matching.load(copy.deepcopy(big))).to_json() for _ in range(3)}
    assert len(runs) == 1


def test_infeasible_required_need_is_a_status_not_an_exception():
    problem = AllocationProblem(
        needs=[Need("n1", 5, required=True), Need("n2", 1, required=True, splittable=False)],
        offers=[Offer("o1", 3)],
        arcs=[matching.Arc("n1", "o1", 1.0)],
        options=Options(time_limit_s=2),
    )
    sol = matching.solve(problem)
    assert sol.status == "infeasible" and sol.objective is None
    doc = json.loads(sol.to_json())
    assert "assignments" not in doc and "objective" not in doc
    assert {u["need"]: u["reason"] for u in doc["unmatched"]} == {"n1": "insufficient_capacity", "n2": "no_candidate"}


def test_zero_quantity_and_empty_instances_are_optimal():
    assert matching.solve(AllocationProblem(needs=[], offers=[])).to_dict()["status"] == "optimal"
    sol = matching.solve(AllocationProblem(needs=[Need("n", 0)], offers=[Offer("o", 0)]))
    assert sol.status == "optimal" and sol.objective == 0.0 and sol.unmatched == []


def test_dump_and_load_round_trip_every_kind():
    for doc in (
        BASE,
        {
            "kind": "twinning",
            "communities": [{"id": "c1", "current_helpers": ["h1"]}],
            "helpers": [{"id": "h1", "strength": {"a": 1.0}}],
        },
        {
            **ROSTER,
            "shifts": [
                {"id": "s1", "start": "2026-12-05T09:00:00+08:00", "end": "2026-12-05T10:00:00+08:00", "slots": 1}
            ],
        },
    ):
        problem = matching.load(doc)
        assert matching.load(matching.dump(problem)) == problem
