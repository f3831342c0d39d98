"""Shared pieces of the benchmarks: synthetic instance generators, paths, timing and memory."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
GAP_DIR = ROOT.parent / "shared" / "bench-data" / "gap"
DATA = Path(os.environ.get("JINLIN_BENCH_DIR", "/tmp/jinlin-bench"))
CATEGORIES = ["food", "elder_care", "child_care", "medical", "repair", "cleaning", "tutoring", "transport"]
SKILLS = ["nursing", "driving", "first_aid", "electrician", "cooking"]


def allocation_doc(
    n_needs: int,
    n_offers: int,
    seed: int = 1,
    unsplittable: float = 0.0,
    towns: int | None = None,
    spread_km: float = 6.0,
) -> dict[str, Any]:
    """Needs and offers clustered around towns of a province (about 220 km x 220 km), eight categories,
    radius 3-10 km; candidates are derived by the matcher (no arcs)."""
    rng = np.random.default_rng(seed)
    towns = towns or max(3, n_needs // 4000)
    town_lat = rng.uniform(34.0, 36.0, towns)
    town_lon = rng.uniform(116.0, 118.4, towns)
    deg = spread_km / 111.0

    def place(k: int) -> tuple[np.ndarray, np.ndarray]:
        t = rng.integers(0, towns, k)
        return (
            np.round(town_lat[t] + rng.normal(0, deg, k), 5),
            np.round(town_lon[t] + rng.normal(0, deg * 1.2, k), 5),
        )

    nlat, nlon = place(n_needs)
    olat, olon = place(n_offers)
    ncat = rng.integers(0, len(CATEGORIES), n_needs)
    ocat = rng.integers(0, len(CATEGORIES), n_offers)
    qty = rng.integers(1, 6, n_needs)
    colour = rng.choice(["red", "orange", "yellow", "green"], n_needs, p=[0.1, 0.2, 0.3, 0.4])
    split = rng.random(n_needs) >= unsplittable
    nskill = rng.random(n_needs) < 0.2
    nsk = rng.integers(0, len(SKILLS), n_needs)
    cap = rng.integers(2, 26, n_offers)
    radius = rng.choice([3.0, 5.0, 8.0, 10.0], n_offers)
    rep = np.round(rng.uniform(2.5, 5.0, n_offers), 1)
    osk = rng.random((n_offers, len(SKILLS))) < 0.5
    needs = []
    for i in range(n_needs):
        need: dict[str, Any] = {
            "id": f"n{i}",
            "quantity": int(qty[i]),
            "category": CATEGORIES[ncat[i]],
            "colour": str(colour[i]),
            "location": {"lat": float(nlat[i]), "lon": float(nlon[i])},
        }
        if not split[i]:
            need["splittable"] = False
        if nskill[i]:
            need["skills"] = [SKILLS[nsk[i]]]
        needs.append(need)
    offers = []
    for j in range(n_offers):
        offers.append(
            {
                "id": f"o{j}",
                "capacity": int(cap[j]),
                "category": CATEGORIES[ocat[j]],
                "skills": [s for s, has in zip(SKILLS, osk[j], strict=True) if has],
                "location": {"lat": float(olat[j]), "lon": float(olon[j])},
                "radius_km": float(radius[j]),
                "reputation": float(rep[j]),
            }
        )
    return {"kind": "allocation", "needs": needs, "offers": offers, "options": {"time_limit_s": 10}}


def write_instance(name: str, doc: dict[str, Any]) -> Path:
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"{name}.json"
    path.write_text(json.dumps(doc, separators=(",", ":")))
    return path


def run_cli(path: Path, *extra: str) -> tuple[float, float, dict[str, Any]]:
    """Run ``python -m matching solve`` as its own process: (wall seconds, peak RSS in MB, solution).

    The peak is the larger of the process's and its largest forked worker's RSS; workers share the
    parent's pages copy-on-write, so the sum would overstate what the machine actually used."""
    out = path.with_suffix(".solution.json")
    cmd = [
        sys.executable,
        "-c",
        "import resource, runpy, sys; sys.argv = ['matching'] + sys.argv[1:];"
        "\ntry:\n runpy.run_module('matching', run_name='__main__')\nfinally:\n"
        " print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
        " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)",
        "solve",
        str(path),
        "-o",
        str(out),
        *extra,
    ]
    started = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - started
    if res.returncode != 0:
        raise RuntimeError(res.stderr)
    peak_mb = max(int(k) for k in res.stderr.strip().splitlines()[-1].split()) / 1024
    return wall, peak_mb, json.loads(out.read_text())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine_note() -> None:
    """Other jobs share these 2 cores; the load average tells how much of them a run had."""
    one, five, _ = os.getloadavg()
    print(f"(load average {one:.1f} / {five:.1f} over 1 / 5 min; 2 cores)", flush=True)


def row(label: str, value: str, target: str = "", verdict: str = "") -> None:
    print(f"| {label} | {value} | {target} | {verdict} |", flush=True)
