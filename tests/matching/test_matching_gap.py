"""Generalised assignment benchmark instances (../shared/bench-data/gap) reach their proven optimum."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import matching

GAP = Path(__file__).resolve().parents[2].parent / "shared" / "bench-data" / "gap"
pytestmark = pytest.mark.skipif(not (GAP / "values.csv").exists(), reason=f"GAP data not found at {GAP}")


def gap_instance(path: Path) -> dict:
    nums = [int(t) for t in path.read_text().split()]
    m, n = nums[0], nums[1]
    cost = nums[2 : 2 + m * n]
    res = nums[2 + m * n : 2 + 2 * m * n]
    cap = nums[2 + 2 * m * n : 2 + 2 * m * n + m]
    return {
        "kind": "allocation",
        "needs": [{"id": f"i{i}", "quantity": 1, "splittable": False, "required": True} for i in range(n)],
        "offers": [{"id": f"a{j}", "capacity": cap[j]} for j in range(m)],
        "arcs": [
            {"need": f"i{i}", "offer": f"a{j}", "value": -cost[j * n + i], "load": res[j * n + i]}
            for j in range(m)
            for i in range(n)
        ],
    }


def _optimum(name: str) -> int:
    with (GAP / "values.csv").open() as fh:
        for row in csv.DictReader(fh):
            if row["Path"] == name:
                return int(row["Optimum"])
    raise KeyError(name)


@pytest.mark.parametrize("name", ["cattrysse1994/gap1-0", "cattrysse1994/gap6-3", "cattrysse1994/gap12-4"])
def test_cattrysse_instances_reach_the_proven_optimum(name):
    sol = matching.solve(matching.load(gap_instance(GAP / name)), time_limit=10)
    assert sol.status == "optimal"
    assert sol.objective == -_optimum(name)
