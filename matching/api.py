"""Public entry points: solve, components, merge."""

from __future__ import annotations

import gc
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from time import perf_counter
from typing import Any

import numpy as np

from .candidates import build_arcs, sides
from .decompose import local_groups, partition, run_groups
from .explain import assignment_rows, infeasible_rows, no_candidate_rows, short_rows
from .load import check
from .model import AllocationProblem, Arc, Problem, RosterProblem, TwinningProblem
from .solution import FEASIBLE, INFEASIBLE, NO_SOLUTION, OPTIMAL, Solution

_RANK = {OPTIMAL: 0, FEASIBLE: 1, NO_SOLUTION: 2, INFEASIBLE: 3}


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while hundreds of thousands of rows are built: it would
    otherwise walk every live container again and again (half the time of building them). Nothing
    built here forms cycles; the previous state is restored. The switch is process-wide, so it is
    only touched when this is the process's only thread (the CLI, a worker): with other threads about
    (a web process solving in a thread), another solve or request could be left without a collector."""
    if threading.active_count() > 1:
        yield
        return
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def solve(problem: Problem, time_limit: float | None = None) -> Solution:
    """Solve any kind of problem. Infeasibility is a status, never an exception; a malformed problem
    raises ``InstanceError``. ``time_limit`` (seconds) overrides ``problem.options.time_limit_s``."""
    started = perf_counter()
    check(problem)
    limit = float(time_limit if time_limit is not None else problem.options.time_limit_s)
    if isinstance(problem, AllocationProblem):
        with _gc_paused():
            solution = _solve_allocation(problem, limit)
    elif isinstance(problem, TwinningProblem):
        from .twinning import solve_twinning

        solution = solve_twinning(problem, limit)
    elif isinstance(problem, RosterProblem):
        from .roster import solve_roster

        solution = solve_roster(problem, limit)
    else:  # pragma: no cover - check() rejects it first
        raise TypeError(type(problem).__name__)
    solution.stats["wall_s"] = round(perf_counter() - started, 3)
    return solution


def _by_status(statuses: list[str]) -> str:
    return max(statuses, key=_RANK.__getitem__, default=OPTIMAL)


def _fsum_products(rows: list[dict[str, Any]]) -> float:
    return math.fsum(r["value"] * r["quantity"] for r in rows)


def _solver_name(names: list[str]) -> str:
    used = sorted({n for n in names if n != "none"})
    return "+".join(used) if used else "none"


def _solve_allocation(problem: AllocationProblem, limit: float) -> Solution:
    sd = sides(problem)
    arcs = build_arcs(problem)
    part = partition(sd, arcs, limit, problem.options.decompose)
    jobs = local_groups(sd, arcs, part.groups, problem.options.cp_workers, problem.options.relative_gap)
    results = run_groups(jobs, problem.options.workers)
    x = np.zeros(len(arcs), np.int64)
    for gi, res in zip(part.groups, results, strict=True):
        x[gi.arcs] = res.x
    iso_req = part.isolated_needs[sd.required[part.isolated_needs] & (sd.qty[part.isolated_needs] > 0)]
    status = _by_status([r.status for r in results] + ([INFEASIBLE] if len(iso_req) else []))
    stats: dict[str, Any] = {
        "solver": _solver_name([r.solver for r in results]),
        "needs": len(problem.needs),
        "offers": len(problem.offers),
        "arcs": len(arcs),
        "components": part.components,
    }
    if status == INFEASIBLE:
        rows = []
        for gi, res in zip(part.groups, results, strict=True):
            if res.status == INFEASIBLE:
                rows += infeasible_rows(problem, arcs, sd, gi.needs)
        iso_rows, _ = no_candidate_rows(problem, iso_req)
        return Solution("allocation", INFEASIBLE, unmatched=_sort_unmatched(rows + iso_rows, "need"), stats=stats)
    if status == NO_SOLUTION:
        return Solution("allocation", NO_SOLUTION, stats=stats)
    assignments = assignment_rows(problem, arcs, x)  # sorted by (need id, offer id)
    grouped = np.concatenate([gi.needs for gi in part.groups]) if part.groups else np.zeros(0, np.int64)
    unmatched = short_rows(problem, arcs, sd, x, grouped) + no_candidate_rows(problem, part.isolated_needs)[0]
    objective = _fsum_products(assignments)
    if status == OPTIMAL:
        bound = objective
    else:
        parts = []
        for gi, res in zip(part.groups, results, strict=True):
            if res.status == OPTIMAL:
                parts.append(math.fsum((arcs.value[gi.arcs] * res.x).tolist()))
            else:
                parts.append(float(res.bound if res.bound is not None else math.inf))
        bound = math.fsum(parts)
    return Solution("allocation", status, objective, bound, assignments, _sort_unmatched(unmatched, "need"), stats)


def _sort_unmatched(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: r[key])


# ---------------------------------------------------------------- decomposition, public side


def components(problem: Problem, time_limit: float | None = None) -> list[Problem]:
    """Independent sub-problems whose solutions ``merge`` back into exactly ``solve(problem)``.

    For allocation: one sub-problem per group of connected components of the candidate graph (each
    with its share of the time limit), plus one for needs without candidates and offers without arcs,
    which carries the offers consulted to explain them as ``reference_offers``. Other kinds: ``[problem]``.
    """
    check(problem)
    if not isinstance(problem, AllocationProblem):
        return [problem]
    limit = float(time_limit if time_limit is not None else problem.options.time_limit_s)
    sd = sides(problem)
    arcs = build_arcs(problem)
    part = partition(sd, arcs, limit, problem.options.decompose)
    subs: list[Problem] = []
    for gi in part.groups:
        sub_arcs = None
        if problem.arcs is not None:
            sub_arcs = [problem.arcs[k] for k in gi.arcs.tolist()]
        subs.append(
            AllocationProblem(
                needs=[problem.needs[i] for i in gi.needs.tolist()],
                offers=[problem.offers[j] for j in gi.offers.tolist()],
                arcs=sub_arcs,
                options=replace(problem.options, time_limit_s=gi.time_limit),
            )
        )
    if len(part.isolated_needs) or len(part.isolated_offers):
        _, consulted = no_candidate_rows(problem, part.isolated_needs)
        pool = list(problem.offers) + list(problem.reference_offers)
        iso_offers = set(part.isolated_offers.tolist())
        subs.append(
            AllocationProblem(
                needs=[problem.needs[i] for i in part.isolated_needs.tolist()],
                offers=[problem.offers[j] for j in part.isolated_offers.tolist()],
                arcs=[] if problem.arcs is not None else None,
                options=replace(problem.options, time_limit_s=limit),
                reference_offers=[pool[j] for j in consulted if j not in iso_offers],
            )
        )
    return subs


def merge(solutions: list[Solution]) -> Solution:
    """Combine the solutions of ``components(problem)`` into the solution of the whole."""
    if not solutions:
        raise ValueError("merge needs at least one solution")
    kind = solutions[0].kind
    if len(solutions) == 1:
        return solutions[0]
    status = _by_status([s.status for s in solutions])
    stats: dict[str, Any] = {"solver": _solver_name([s.stats.get("solver", "none") for s in solutions])}
    for key in ("needs", "offers", "arcs", "components"):
        stats[key] = sum(int(s.stats.get(key, 0)) for s in solutions)
    if "wall_s" in solutions[0].stats:
        stats["wall_s"] = round(sum(float(s.stats.get("wall_s", 0.0)) for s in solutions), 3)
    key = {"allocation": "need", "twinning": "community", "roster": "shift"}[kind]
    if status == INFEASIBLE:
        rows = [r for s in solutions if s.status == INFEASIBLE for r in s.unmatched]
        return Solution(kind, INFEASIBLE, unmatched=_sort_unmatched(rows, key), stats=stats)
    if status == NO_SOLUTION:
        return Solution(kind, NO_SOLUTION, stats=stats)
    assignments = sorted((r for s in solutions for r in s.assignments), key=lambda r: (r["need"], r["offer"]))
    objective = _fsum_products(assignments)
    if status == OPTIMAL:
        bound = objective
    else:
        bound = math.fsum(
            float(s.objective if s.status == OPTIMAL else s.bound)  # type: ignore[arg-type]
            for s in solutions
        )
    unmatched = _sort_unmatched([r for s in solutions for r in s.unmatched], key)
    return Solution(kind, status, objective, bound, assignments, unmatched, stats)


__all__ = ["Arc", "components", "merge", "solve"]
