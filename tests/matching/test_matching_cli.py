"""``python -m matching solve`` round trip, exit codes and the one-line error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INSTANCE = {
    "kind": "allocation",
    "needs": [{"id": "n1", "quantity": 4}, {"id": "n2", "quantity": 3, "splittable": False, "required": True}],
    "offers": [{"id": "o1", "capacity": 5}],
    "arcs": [{"need": "n1", "offer": "o1", "value": 12.5}, {"need": "n2", "offer": "o1", "value": 1}],
}


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "matching", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_solve_writes_the_solution_file_and_exits_zero(tmp_path):
    src, out = tmp_path / "in.json", tmp_path / "out.json"
    src.write_text(json.dumps(INSTANCE))
    res = _run("solve", str(src), "-o", str(out), "--time-limit", "3")
    assert res.returncode == 0, res.stderr
    assert res.stdout == ""
    doc = json.loads(out.read_text())
    assert doc["status"] == "optimal" and doc["objective"] == 2 * 12.5 + 3 * 1
    assert {(a["need"], a["quantity"]) for a in doc["assignments"]} == {("n1", 2), ("n2", 3)}
    again = tmp_path / "again.json"
    _run("solve", str(src), "-o", str(again), "--time-limit", "3")
    assert again.read_bytes() == out.read_bytes()


def test_solve_reads_standard_input_and_writes_standard_output():
    res = _run("solve", "-", stdin=json.dumps(INSTANCE))
    assert res.returncode == 0
    assert json.loads(res.stdout)["status"] == "optimal"
    assert "wall_s" in json.loads(_run("solve", "-", "--timing", stdin=json.dumps(INSTANCE)).stdout)["stats"]


def test_infeasible_instance_is_still_a_document_with_exit_zero():
    doc = {**INSTANCE, "needs": [{"id": "n1", "quantity": 9, "required": True}], "arcs": INSTANCE["arcs"][:1]}
    res = _run("solve", "-", stdin=json.dumps(doc))
    assert res.returncode == 0
    assert json.loads(res.stdout)["status"] == "infeasible"


def test_malformed_instance_exits_2_with_one_line_and_writes_nothing(tmp_path):
    bad = {**INSTANCE, "needs": [{"id": "n1", "quantity": 4}, {"id": "n2", "quantity": -3}]}
    src, out = tmp_path / "bad.json", tmp_path / "out.json"
    src.write_text(json.dumps(bad))
    res = _run("solve", str(src), "-o", str(out))
    assert res.returncode == 2
    assert res.stderr == "needs[1].quantity: must be a non-negative integer\n"
    assert res.stdout == "" and not out.exists()


def test_unreadable_and_invalid_json_exit_2(tmp_path):
    res = _run("solve", str(tmp_path / "missing.json"))
    assert res.returncode == 2 and res.stderr.startswith("instance: cannot be read")
    res = _run("solve", "-", stdin="{not json")
    assert res.returncode == 2 and res.stderr.startswith("instance: is not valid JSON")
    assert len(res.stderr.strip().splitlines()) == 1
