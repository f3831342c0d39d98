"""The matcher is re-entrant: two solves at once in one process (the web process solves runs in
threads) give exactly what each gives alone."""

from __future__ import annotations

import json
import threading
from typing import Any

import numpy as np

import matching

CATEGORIES = ("elder_care", "home_repair", "health")


def _instance(seed: int) -> matching.AllocationProblem:
    """Unsplittable needs competing for scarce offers: CP-SAT plus the neighbourhood search run."""
    rng = np.random.default_rng(seed)
    needs = [
        {
            "id": f"n{i}",
            "quantity": int(rng.integers(1, 4)),
            "category": CATEGORIES[i % 3],
            "splittable": bool(i % 2),
            "colour": ("red", "orange", "yellow", "green")[i % 4],
            "location": {"lat": float(35 + rng.normal(0, 0.05)), "lon": float(117 + rng.normal(0, 0.05))},
        }
        for i in range(240)
    ]
    offers = [
        {
            "id": f"o{j}",
            "capacity": int(rng.integers(2, 9)),
            "category": CATEGORIES[j % 3],
            "location": {"lat": float(35 + rng.normal(0, 0.05)), "lon": float(117 + rng.normal(0, 0.05))},
            "radius_km": 8.0,
            "reputation": float(rng.uniform(2.5, 5)),
        }
        for j in range(60)
    ]
    return matching.load({"kind": "allocation", "needs": needs, "offers": offers, "options": {"time_limit_s": 1}})


def _bytes(problem: matching.AllocationProblem) -> bytes:
    return json.dumps(matching.solve(problem).to_dict(), sort_keys=True).encode()


def test_two_solves_at_once_in_one_process_give_the_same_bytes_as_each_alone():
    a, b = _instance(1), _instance(2)
    alone = {"a": _bytes(a), "b": _bytes(b)}
    assert alone["a"] != alone["b"]
    together: dict[str, Any] = {}
    errors: list[BaseException] = []

    def run(name: str, problem: matching.AllocationProblem) -> None:
        try:
            together[name] = _bytes(problem)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=("a", a)), threading.Thread(target=run, args=("b", b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert together == alone
