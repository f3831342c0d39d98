"""The fast path (msgspec decoding into structs, vectorised rows, msgspec encoding, the CLI's process
settings) writes exactly the bytes the pipeline before it wrote (matching_legacy.py), and keeps the
Python API of the problem classes."""

from __future__ import annotations

import importlib.util
import json
import math
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matching_legacy import legacy_json

import matching
from matching.cli import main
from matching.load import parse
from matching.solution import Solution

ROOT = Path(__file__).resolve().parents[2]


def _bench_common() -> Any:
    spec = importlib.util.spec_from_file_location("bench_common", ROOT / "bench" / "common.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _random_doc(seed: int, explicit: bool = False) -> dict[str, Any]:
    rng = random.Random(seed)
    cats = [None, "food", "elder_care", "医疗"]
    skills = ["nursing", "driving", "急救"]
    names = ["n", "需", "n\u2028", "n\x01", "n\x00"] if seed % 5 == 0 else ["n", "需求"]

    def loc() -> dict[str, float] | None:
        if rng.random() < 0.15:
            return None
        return {
            "lat": round(35 + rng.random() * 0.3, rng.choice([2, 4, 5])),
            "lon": round(117 + rng.random() * 0.3, rng.choice([2, 4, 5])),
        }

    needs = []
    for i in range(rng.randint(0, 60)):
        n: dict[str, Any] = {"id": f"{rng.choice(names)}{i}", "quantity": rng.randint(0, 6)}
        for key, value in (
            ("splittable", rng.random() < 0.8),
            ("required", rng.random() < 0.05),
            ("category", rng.choice(cats)),
            ("community", f"c{i % 3}"),
        ):
            if rng.random() < 0.7:
                n[key] = value
        if rng.random() < 0.4:
            n["weight"] = rng.choice([0, 1, 1.0, 2.5, 3, 0.1 + rng.random()])
        elif rng.random() < 0.6:
            n["colour"] = rng.choice(["red", "orange", "yellow", "green", "purple"])
        if rng.random() < 0.4:
            n["skills"] = rng.sample(skills, rng.randint(0, 2))
        location = loc()
        if location is not None or rng.random() < 0.3:
            n["location"] = location
        needs.append(n)
    offers = []
    for j in range(rng.randint(0, 15)):
        o: dict[str, Any] = {
            "id": f"o{j}",
            "capacity": rng.randint(0, 20),
            "category": rng.choice(cats),
            "skills": rng.sample(skills, rng.randint(0, 3)),
            "location": loc(),
        }
        if rng.random() < 0.8:
            o["radius_km"] = rng.choice([1, 3.0, 8.5, 40])
        if rng.random() < 0.7:
            o["reputation"] = rng.choice([0, 2.5, 4.2, 5, 7, -1, round(rng.random() * 5, 3)])
        if rng.random() < 0.3:
            o["provider"] = f"u{j}"
        offers.append(o)
    doc: dict[str, Any] = {
        "kind": "allocation",
        "needs": needs,
        "offers": offers,
        "options": {"time_limit_s": 1, "workers": 1},
    }
    if explicit:
        doc["arcs"] = []
        for n in needs:
            for o in offers:
                if rng.random() < 0.3:
                    arc: dict[str, Any] = {
                        "need": n["id"],
                        "offer": o["id"],
                        "value": rng.choice([1, -2, 0, 3.25, round(rng.random() * 9, 6)]),
                    }
                    if n.get("splittable", True) is False and rng.random() < 0.3:
                        arc["load"] = rng.randint(0, 3)
                    doc["arcs"].append(arc)
    return doc


def _cli_bytes(path: Path, tmp_path: Path) -> bytes:
    out = tmp_path / "solution.json"
    assert main(["solve", str(path), "-o", str(out)]) == 0
    return out.read_bytes()


@pytest.mark.parametrize("explicit", [False, True])
def test_random_instances_give_the_legacy_bytes(tmp_path, explicit):
    for seed in range(60):
        doc = _random_doc(seed, explicit)
        path = tmp_path / "instance.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        fast = matching.load(path)
        assert fast == parse(json.loads(path.read_text(encoding="utf-8"))), seed
        expected = legacy_json(doc)
        assert matching.solve(fast).to_json() == expected, seed
        assert _cli_bytes(path, tmp_path) == (expected + "\n").encode("utf-8"), seed


@pytest.mark.parametrize(
    ("needs", "offers", "unsplittable", "seed"), [(4_000, 800, 0.0, 3), (3_000, 600, 0.3, 4), (12_000, 2_400, 0.0, 5)]
)
def test_bench_like_instances_give_the_legacy_bytes(tmp_path, needs, offers, unsplittable, seed):
    doc = _bench_common().allocation_doc(needs, offers, seed=seed, unsplittable=unsplittable)
    doc["options"] = {"time_limit_s": 1}
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(doc, separators=(",", ":")))
    expected = (legacy_json(doc) + "\n").encode("utf-8")
    got = _cli_bytes(path, tmp_path)
    assert got == expected
    sol = json.loads(got)
    assert sol["assignments"] and sol["unmatched"]  # both kinds of rows were compared


def test_options_with_workers_give_the_same_bytes(tmp_path):
    """Forked workers (more than 300,000 arcs) and one process write the same document."""
    doc = _bench_common().allocation_doc(12_000, 2_400, seed=6)
    outs = []
    for workers in (0, 1):
        doc["options"] = {"workers": workers}
        path = tmp_path / f"w{workers}.json"
        path.write_text(json.dumps(doc))
        outs.append(_cli_bytes(path, tmp_path))
    assert outs[0] == outs[1]


def _legacy_text(sol: Solution) -> str:
    return json.dumps(sol.to_dict(), ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def test_encoder_matches_json_on_awkward_values():
    rng = np.random.default_rng(1)
    floats = [0.0, -0.0, 1e-4, 9.99e-5, 1e-5, 1.5e-7, 1e15, 9999999999999998.0, 1e16, 1e22, 5e-324, 0.1, 2.5]
    floats += (rng.standard_normal(2000) * 10.0 ** rng.integers(-8, 20, 2000)).tolist()
    strings = ["", "近邻", 'a"b\\c', "\x00\x1f\x7f", "\u2028\u2029", "😀", "\ud7ff"]
    for k, f in enumerate(floats):
        sol = Solution(
            "allocation",
            "optimal",
            f,
            f,
            [
                {
                    "need": strings[k % len(strings)],
                    "offer": "o",
                    "quantity": k,
                    "value": f,
                    "reasons": [strings[(k + 1) % len(strings)]],
                }
            ],
            [{"need": "n", "nearest": [{"distance_km": f, "excluded_by": ("category",)}]}],
            {"solver": "x", "n": 2**62 * (1 if k % 2 else -2), "flag": True, "none": None},
        )
        assert sol.to_json() == _legacy_text(sol)
        assert sol.to_json_bytes() == _legacy_text(sol).encode("utf-8")
        assert sol.to_json_bytes(rows_as_built=True) == _legacy_text(sol).encode("utf-8")
    assert Solution("allocation", "optimal", 1.0, 1.0, stats={"big": 2**80}).to_json() == _legacy_text(
        Solution("allocation", "optimal", 1.0, 1.0, stats={"big": 2**80})
    )
    assert (
        Solution("allocation", "optimal", 1.0, 1.0, stats={1: "int key"}).to_json() == '{"kind":"allocation",'
        '"status":"optimal","objective":1.0,"bound":1.0,"assignments":[],"unmatched":[],"stats":{"1":"int key"}}'
    )
    for bad in (math.inf, math.nan):
        with pytest.raises(ValueError):
            Solution("allocation", "feasible", 1.0, bad).to_json()
    with pytest.raises(TypeError):
        Solution("allocation", "optimal", 1.0, 1.0, stats={"n": np.int64(3)}).to_json()
    sol = Solution("allocation", "optimal", 1.0, 1.0, [{"need": "n", "value": 1e-5}])
    assert sol.to_json(indent=2) == json.dumps(sol.to_dict(), ensure_ascii=False, indent=2, separators=(",", ": "))


def test_problem_classes_keep_their_api():
    need = matching.Need("n1", 4, False, True, "food", 2.0, ("nursing",), matching.Location(35.0, 117.0), "c1", "red")
    same = matching.Need(
        id="n1",
        quantity=4,
        splittable=False,
        required=True,
        category="food",
        weight=2.0,
        skills=("nursing",),
        location=matching.Location(lat=35.0, lon=117.0),
        community="c1",
        colour="red",
    )
    assert need == same and need.location.lat == 35.0 and "quantity=4" in repr(need)
    assert matching.Need("n2", 1).splittable is True and matching.Offer("o", 3).radius_km is None
    assert matching.Arc("n", "o", 1.5).load == 1
    need.quantity = np.int64(2)  # rows read into arrays
    sol = matching.solve(matching.AllocationProblem([need], [matching.Offer("o", 3, "food", ("nursing",))]))
    assert sol.status == "optimal" and [r["quantity"] for r in sol.assignments] == [2]


def test_a_malformed_instance_still_names_its_field(tmp_path, capsys):
    doc = _random_doc(1)
    doc["needs"] = [{"id": "n1", "quantity": 4.0}, {"id": "n2", "quantity": 2.5}]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    assert main(["solve", str(path)]) == 2
    assert capsys.readouterr().err == "needs[1].quantity: must be a non-negative integer\n"
    doc["needs"] = [{"id": "n1", "quantity": 4.0}]  # accepted by the contract, refused by the struct decoder
    path.write_text(json.dumps(doc))
    assert matching.load(path).needs[0].quantity == 4
