"""Solve one group of independent components of an allocation problem.

Splittable-only groups are a transportation problem: one min-cost flow, proven optimal. Groups with
unsplittable needs go to CP-SAT, seeded with the flow relaxation rounded and repaired (or a greedy when
loads differ from 1), with an honest bound: the better of CP-SAT's bound and the relaxation's.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from .flow import integer_scale, scaled, transport
from .group import Group, GroupResult
from .improve import local_search, neighbourhood_search
from .solution import FEASIBLE, INFEASIBLE, NO_SOLUTION, OPTIMAL

CP_COEF_TARGET = 1e7  # largest |scaled value x quantity| in a CP-SAT objective
LS_EVALUATIONS_PER_S = 300_000  # local-search budget per second of time limit (deterministic)
LNS_OFFERS = 8  # at most this many offers freed together in one neighbourhood
FIRST_SHARE = 0.5  # of a group's time limit: the first CP-SAT run
LNS_SHARE = 0.35  # of a group's time limit: the neighbourhood search (the rest: the last CP-SAT run)
# CP-SAT's deterministic seconds ran about 1.6 x slower than wall seconds on the 2-core reference
# machine; a time limit of T s buys T x DTIME_PER_S deterministic seconds (see README, Determinism)
DTIME_PER_S = 0.6
ROUND_OVERHEAD_DTIME = 0.002  # deterministic seconds charged per neighbourhood for building it
SUB_TIME_S = 0.05  # deterministic time limit of one neighbourhood's CP-SAT solve
LARGE_MODEL = 20_000  # variables; above it CP-SAT presolve is kept short


def solve_group(g: Group) -> GroupResult:
    if bool(np.all(g.splittable)):
        return _solve_flow(g)
    return _solve_mixed(g)


def _solve_flow(g: Group) -> GroupResult:
    scale, _ = integer_scale(g.value)
    ok, x, _ = transport(g.qty, g.required, g.cap, g.arc_need, g.arc_offer, scaled(g.value, scale))
    return GroupResult(OPTIMAL if ok else INFEASIBLE, x, None, "min_cost_flow")


def _objective(g: Group, x: np.ndarray) -> float:
    return math.fsum((g.value * x).tolist())


def _relaxation(g: Group) -> tuple[bool, np.ndarray, float] | None:
    """Unsplittable needs relaxed to splittable (valid only when every load is 1)."""
    if len(g.load) and not bool(np.all(g.load == 1)):
        return None
    scale, exact = integer_scale(g.value)
    ok, x, gain = transport(g.qty, g.required, g.cap, g.arc_need, g.arc_offer, scaled(g.value, scale))
    slack = 0.0 if exact else 0.5 * float(g.qty.sum()) / scale
    return ok, x, gain / scale + slack


def _by_need(g: Group) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(g.arc_need, kind="stable")
    starts = np.searchsorted(g.arc_need[order], np.arange(len(g.qty) + 1))
    return order, starts


def _repair(g: Group, preference: np.ndarray) -> np.ndarray | None:
    """Place unsplittable needs one by one on their preferred arc that still fits, then fill the
    splittable needs optimally on what capacity is left. ``preference`` ranks arcs (higher first).
    Returns None if a required need could not be placed."""
    order, starts = _by_need(g)
    x = np.zeros(len(g.arc_need), np.int64)
    room = g.cap.copy()
    unsplit = np.flatnonzero(~g.splittable)
    best = np.full(len(g.qty), -np.inf)
    np.maximum.at(best, g.arc_need, preference)
    need_rank = np.lexsort((np.arange(len(unsplit)), -best[unsplit], ~g.required[unsplit]))
    for i in unsplit[need_rank].tolist():
        q = int(g.qty[i])
        if q == 0:
            continue
        arcs = order[starts[i] : starts[i + 1]]
        arcs = arcs[np.lexsort((arcs, -preference[arcs]))]
        placed = False
        for a in arcs.tolist():
            if g.value[a] <= 0 and not g.required[i]:
                break
            use = int(g.load[a]) * q
            j = int(g.arc_offer[a])
            if room[j] >= use:
                room[j] -= use
                x[a] = q
                placed = True
                break
        if not placed and g.required[i]:
            return None
    split_arcs = np.flatnonzero(g.splittable[g.arc_need])
    if len(split_arcs):
        scale, _ = integer_scale(g.value[split_arcs])
        qty = np.where(g.splittable, g.qty, 0)
        ok, xs, _ = transport(
            qty,
            g.required & g.splittable,
            room,
            g.arc_need[split_arcs],
            g.arc_offer[split_arcs],
            scaled(g.value[split_arcs], scale),
        )
        if not ok:
            return None
        x[split_arcs] = xs
    return x


class ModelInvalid(RuntimeError):
    """CP-SAT rejected the model it was given: a bug here, never an infeasible instance."""


def _cp_sat(g: Group, hint: np.ndarray | None) -> tuple[str, np.ndarray | None, float | None]:
    status, x, bound, _ = _cp_sat_timed(g, hint)
    return status, x, bound


def _cp_sat_timed(g: Group, hint: np.ndarray | None) -> tuple[str, np.ndarray | None, float | None, float]:
    """CP-SAT on the group; also answers the deterministic time spent (the neighbourhood search's budget
    is charged with it, so the result does not depend on the machine's speed)."""
    from ortools.sat.python import cp_model  # imported here: it takes 0.2 s and flows never need it

    q_arc = g.qty[g.arc_need]
    unsplit_arc = ~g.splittable[g.arc_need]
    coef = np.where(unsplit_arc, q_arc, 1)  # units earned per unit of the variable
    useful = g.required[g.arc_need] | (g.value > 0)
    useful &= np.where(unsplit_arc, g.load * q_arc <= g.cap[g.arc_offer], True)
    useful &= q_arc > 0
    idx = np.flatnonzero(useful)
    scale, exact = integer_scale(g.value[idx] * coef[idx], CP_COEF_TARGET)
    gain = scaled(g.value[idx] * coef[idx], scale)

    model = cp_model.CpModel()
    variables = []
    for a, un in zip(idx.tolist(), unsplit_arc[idx].tolist(), strict=True):
        if un:
            variables.append(model.new_bool_var(""))
        else:
            ub = int(min(g.qty[g.arc_need[a]], g.cap[g.arc_offer[a]]))
            variables.append(model.new_int_var(0, ub, ""))
    by_need: dict[int, list[int]] = {}
    for k, i in enumerate(g.arc_need[idx].tolist()):
        by_need.setdefault(i, []).append(k)
    for i in range(len(g.qty)):
        ks = by_need.get(i, [])
        total = int(g.qty[i]) if g.splittable[i] else 1
        expr = sum(variables[k] for k in ks)
        if g.required[i] and g.qty[i] > 0:
            if not ks:
                return INFEASIBLE, None, None, 0.0
            model.add(expr == total)
        elif len(ks) > 1:
            model.add(expr <= total)
    by_offer: dict[int, list[int]] = {}
    for k, j in enumerate(g.arc_offer[idx].tolist()):
        by_offer.setdefault(j, []).append(k)
    use = (g.load * np.where(unsplit_arc, q_arc, 1))[idx].tolist()
    for j, ks in by_offer.items():
        model.add(cp_model.LinearExpr.weighted_sum([variables[k] for k in ks], [use[k] for k in ks]) <= int(g.cap[j]))
    model.maximize(cp_model.LinearExpr.weighted_sum(variables, gain.tolist()))
    if hint is not None:
        for k, a in enumerate(idx.tolist()):
            model.add_hint(variables[k], int(hint[a] // coef[a]) if unsplit_arc[a] else int(hint[a]))

    solver = cp_model.CpSolver()
    p = solver.parameters
    if g.cp_workers > 1:
        p.max_time_in_seconds = g.time_limit
        p.num_workers = g.cp_workers
    else:  # one worker under a deterministic time limit: reproducible; the wall limit is a safety net
        p.max_deterministic_time = g.time_limit * DTIME_PER_S
        p.max_time_in_seconds = 2 * g.time_limit + 5
        p.num_workers = 1
    p.random_seed = 7
    if len(variables) > LARGE_MODEL:
        p.cp_model_probing_level = 0
        p.max_presolve_iterations = 1
    code = solver.solve(model)
    dtime = solver.response_proto.deterministic_time
    if code == cp_model.MODEL_INVALID:
        raise ModelInvalid(f"CP-SAT rejected the allocation model: {model.validate()}")
    if code == cp_model.INFEASIBLE:
        return INFEASIBLE, None, None, dtime
    slack = 0.0 if exact else 0.5 * float(g.qty.sum()) / scale
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return NO_SOLUTION, None, None, dtime  # CP-SAT's bound is not meaningful without a solution
    bound = solver.best_objective_bound / scale + slack
    values = np.fromiter((solver.value(v) for v in variables), np.int64, len(variables))
    x = np.zeros(len(g.arc_need), np.int64)
    x[idx] = values * coef[idx]
    return (OPTIMAL if code == cp_model.OPTIMAL else FEASIBLE), x, bound, dtime


def _refill_splittable(g: Group, x: np.ndarray) -> np.ndarray:
    """Re-solve the splittable needs exactly on the capacity the unsplittable ones leave."""
    split_arcs = np.flatnonzero(g.splittable[g.arc_need])
    if not len(split_arcs):
        return x
    x = x.copy()
    x[split_arcs] = 0
    used = np.bincount(g.arc_offer, weights=x * g.load, minlength=len(g.cap)).astype(np.int64)
    scale, _ = integer_scale(g.value[split_arcs])
    qty = np.where(g.splittable, g.qty, 0)
    ok, xs, _ = transport(
        qty,
        g.required & g.splittable,
        g.cap - used,
        g.arc_need[split_arcs],
        g.arc_offer[split_arcs],
        scaled(g.value[split_arcs], scale),
    )
    if ok:
        x[split_arcs] = xs
        return x
    return x  # pragma: no cover - the seed already placed them on this capacity


def _sub_solve(sub: Group, hint: np.ndarray) -> tuple[np.ndarray | None, float]:
    _, x, _, dtime = _cp_sat_timed(sub, hint)
    return x, dtime + ROUND_OVERHEAD_DTIME


def _improve(g: Group, seed: np.ndarray | None) -> np.ndarray | None:
    """Local search, then a neighbourhood search with small exact CP-SAT solves within the time limit."""
    if seed is None:
        return None
    better = local_search(g, seed, int(LS_EVALUATIONS_PER_S * g.time_limit))
    hood = max(2, min(LNS_OFFERS, len(g.cap) // 4))
    if len(g.cap) > hood:
        better = neighbourhood_search(g, better, g.time_limit * DTIME_PER_S, hood, SUB_TIME_S, _sub_solve)
        better = local_search(g, better, int(LS_EVALUATIONS_PER_S * g.time_limit))
    better = _refill_splittable(g, better)
    return better if _objective(g, better) > _objective(g, seed) else seed


def _better(g: Group, a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if a is None:
        return b
    if b is None:
        return a
    return b if _objective(g, b) > _objective(g, a) else a


def _solve_mixed(g: Group) -> GroupResult:
    """Seed, a short CP-SAT run (enough for small groups to be proven optimal), then local and
    neighbourhood search from the best solution so far, then CP-SAT again from there."""
    relax = _relaxation(g)
    relax_bound = None
    seed = None
    if relax is not None:
        ok, xr, relax_bound = relax
        if not ok:
            return GroupResult(INFEASIBLE, np.zeros(len(g.arc_need), np.int64), None, "cp_sat")
        pref = xr.astype(np.float64) * (1 + abs(float(g.value.max(initial=0.0)))) + g.value
        seed = _repair(g, pref)
        if seed is not None and g.relative_gap > 0:
            # the rounded relaxation polished by the (cheap, counted) local search; close enough to the
            # relaxation's bound, it is the answer, without CP-SAT (Options.relative_gap)
            polished = _refill_splittable(g, local_search(g, seed, int(LS_EVALUATIONS_PER_S * g.time_limit)))
            if _objective(g, polished) > _objective(g, seed):
                seed = polished
            obj = _objective(g, seed)
            if relax_bound - obj <= g.relative_gap * max(1.0, abs(obj)):
                return _answer(g, seed, None, relax_bound, "flow_rounding")
    if seed is None:
        seed = _repair(g, g.value - 1e-9 * g.load)
    status, x, bound = _cp_sat(replace(g, time_limit=FIRST_SHARE * g.time_limit), seed)
    if status == INFEASIBLE:
        return GroupResult(INFEASIBLE, np.zeros(len(g.arc_need), np.int64), None, "cp_sat")
    if status != OPTIMAL:
        best = _improve(replace(g, time_limit=LNS_SHARE * g.time_limit), _better(g, seed, x))
        status, x2, bound2 = _cp_sat(replace(g, time_limit=(1 - FIRST_SHARE - LNS_SHARE) * g.time_limit), best)
        if status == INFEASIBLE:  # pragma: no cover - a feasible solution is known
            return GroupResult(INFEASIBLE, np.zeros(len(g.arc_need), np.int64), None, "cp_sat")
        if bound2 is not None:
            bound = bound2 if bound is None else min(bound, bound2)
        x = _better(g, x2, best)
        if status != OPTIMAL and x is not None and best is not None and x is best:
            status = FEASIBLE
    if relax_bound is not None:
        bound = relax_bound if bound is None else min(bound, relax_bound)
    return _answer(g, x, status, bound)


def _answer(
    g: Group, x: np.ndarray | None, status: str | None, bound: float | None, solver: str = "cp_sat"
) -> GroupResult:
    """The group's result: optimal when CP-SAT proved it or the bound meets the objective, else feasible
    with the bound (never below the objective)."""
    if x is None:
        return GroupResult(NO_SOLUTION, np.zeros(len(g.arc_need), np.int64), bound, solver)
    obj = _objective(g, x)
    if status == OPTIMAL or (bound is not None and bound - obj <= 1e-9 * max(1.0, abs(obj))):
        return GroupResult(OPTIMAL, x, None, solver)
    return GroupResult(FEASIBLE, x, max(bound, obj) if bound is not None else None, solver)
