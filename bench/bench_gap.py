"""Generalised assignment benchmarks (../shared/bench-data/gap) through the allocation contract.

python bench/bench_gap.py [--time-limit 10] [--only cattrysse1994|chu1997]
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

from common import GAP_DIR, machine_note, row

import matching


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


def main() -> None:
    machine_note()
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    if not (GAP_DIR / "values.csv").exists():
        print(f"GAP data not found at {GAP_DIR}")
        return
    with (GAP_DIR / "values.csv").open() as fh:
        rows = [r for r in csv.DictReader(fh) if r["Path"].startswith(args.only)]
    groups: dict[str, list[tuple[str, bool, float, float, str]]] = {}
    print("| instance | objective (min) | reference | gap % | status | seconds |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        name = r["Path"]
        optimum = int(r["Optimum"]) if r["Optimum"] else None
        best = int(r["Best known solution value"])
        t = time.perf_counter()
        sol = matching.solve(matching.load(gap_instance(GAP_DIR / name)), time_limit=args.time_limit)
        secs = time.perf_counter() - t
        got = -sol.objective if sol.objective is not None else float("inf")
        ref = optimum if optimum is not None else best
        gap = 100 * (got - ref) / ref
        print(
            f"| {name} | {got:g} | {ref} {'(opt)' if optimum is not None else '(best known)'} | {gap:.2f} | "
            f"{sol.status} | {secs:.1f} |",
            flush=True,
        )
        family = name.split("/")[0] if name.startswith("cattrysse") else "chu1997 type " + name.split("/")[1][0]
        groups.setdefault(family, []).append((name, got == ref, gap, secs, sol.status))
    print()
    print("| family | at reference | worst gap % | slowest s |")
    print("|---|---|---|---|")
    for fam, items in groups.items():
        print(
            f"| {fam} | {sum(ok for _, ok, *_ in items)}/{len(items)} | {max(g for _, _, g, *_ in items):.2f} | "
            f"{max(s for *_, s, _ in items):.1f} |"
        )
    summary = [
        (
            "GAP " + fam,
            f"{sum(ok for _, ok, *_ in it)}/{len(it)} at reference, worst gap "
            f"{max(g for _, _, g, *_ in it):.2f} %, slowest {max(s for *_, s, _ in it):.1f} s",
        )
        for fam, it in groups.items()
    ]
    for label, text in summary:
        row(label, text)


if __name__ == "__main__":
    main()
