"""One allocation run over the whole seeded area, in-process, the embedded way (``service.execute``
without fan-out), with the time of each stage; optionally under cProfile, and the proposals and result
document written out to compare two versions of the code on the same data.

    JINLIN_DATABASE_URL=sqlite:////tmp/city.db python bench/run_stages.py [--profile OUT.prof] [--dump OUT.json]

The database is changed (a run and its proposals are added; earlier unpublished proposals are
superseded): run it on a copy.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import json
import os
import time
from collections import defaultdict
from typing import Any

import matching
from jinlin.areas.tables import Area
from jinlin.core import clock, db
from jinlin.runs import allocation, ranked, service, unmatched
from jinlin.runs.registry import RunKindSpec, install, spec_for
from jinlin.runs.tables import MatchRun

STAGES: dict[str, float] = defaultdict(float)


def timed(name: str, fn: Any) -> Any:
    if asyncio.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def wrapper_async(*a: Any, **kw: Any) -> Any:
            started = time.perf_counter()
            try:
                return await fn(*a, **kw)
            finally:
                STAGES[name] += time.perf_counter() - started

        return wrapper_async

    @functools.wraps(fn)
    def wrapper(*a: Any, **kw: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn(*a, **kw)
        finally:
            STAGES[name] += time.perf_counter() - started

    return wrapper


def instrument() -> None:
    ranked.ranked_rule = timed("load: ranked rule", ranked.ranked_rule)
    unmatched_enrich = timed("save: enrich unmatched", unmatched.enrich)
    allocation.enrich = unmatched_enrich
    service.matching.components = timed("components", matching.components)  # type: ignore[attr-defined]
    spec = spec_for("allocation")
    install(
        [
            RunKindSpec(
                spec.kind,
                timed("load (all)", spec.load),
                timed("save (all)", spec.save),
                solve=timed("solve parts", spec.solve),
                decomposable=spec.decomposable,
                publish=spec.publish,
                proposals=spec.proposals,
            )
        ]
    )
    service.finish = timed("finish (save + run row)", service.finish)


async def main(args: argparse.Namespace) -> None:
    async with db.lifespan_db():
        instrument()
        root = await Area.select(Area.id, Area.path).where(Area.level == "county").first()
        now = clock.now()
        options = {"time_limit_s": args.time_limit} if args.time_limit is not None else {}
        run = MatchRun(
            kind="allocation",
            area=root["id"],
            area_path=root["path"],
            options=options,
            status="queued",
            created_at=now,
            updated_at=now,
        )
        await run.save()
        profiler = cProfile.Profile() if args.profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        await service.execute(run.id)
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        took = time.perf_counter() - started
        row = await service.get_row(run.id)
        print(
            f"run {run.id}: {row['status']} {row['solver_status']}, {row['proposals']} proposals, "
            f"{row['stats'].get('needs')} needs x {row['stats'].get('offers')} offers, "
            f"solver wall {row['stats'].get('wall_s')} s; end to end {took:.1f} s (load {os.getloadavg()[0]:.1f})"
        )
        for name, secs in sorted(STAGES.items()):
            print(f"  {name}: {secs:.2f} s")
        if row["error"]:
            print("  error:", row["error"][:500])
        if args.dump:
            proposals = await allocation.proposals(run.id)
            doc = {
                "status": row["status"],
                "solver_status": row["solver_status"],
                "objective": row["objective"],
                "proposals": sorted(
                    [p["need_id"], p["offer_id"], p["quantity"], p["community_id"], p["provider_id"], p["reasons"]]
                    for p in proposals
                ),
                "result": row["result"],
            }
            with open(args.dump, "w") as f:
                json.dump(doc, f, ensure_ascii=False, sort_keys=True, default=str)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile")
    parser.add_argument("--dump")
    parser.add_argument("--time-limit", type=float)
    asyncio.run(main(parser.parse_args()))
