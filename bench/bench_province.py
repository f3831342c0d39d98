"""Province scale: 1M needs x 100k offers, splittable, derived candidates, as a whole CLI process.

python bench/bench_province.py [--needs 1000000 --offers 100000]
"""

from __future__ import annotations

import argparse
import time

from common import allocation_doc, machine_note, row, run_cli, write_instance


def main() -> None:
    machine_note()
    ap = argparse.ArgumentParser()
    ap.add_argument("--needs", type=int, default=1_000_000)
    ap.add_argument("--offers", type=int, default=100_000)
    args = ap.parse_args()
    t = time.perf_counter()
    path = write_instance(f"alloc-{args.needs}", allocation_doc(args.needs, args.offers, seed=5))
    print(f"(instance written in {time.perf_counter() - t:.0f} s, {path.stat().st_size / 1e6:.0f} MB)", flush=True)
    print("| measure | figure | target | verdict |")
    print("|---|---|---|---|")
    wall, peak, out = run_cli(path)
    row(
        f"{args.needs:,} x {args.offers:,} splittable, whole CLI process",
        f"{wall:.1f} s, {peak / 1024:.2f} GB peak, {out['stats']['arcs']:,} arcs, "
        f"{out['stats']['components']} components, {out['status']}",
        "<= 60 s, <= 8 GB, optimal",
        "met" if wall <= 60 and peak <= 8192 and out["status"] == "optimal" else "not met",
    )


if __name__ == "__main__":
    main()
