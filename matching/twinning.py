"""Twinning (结对帮扶): helpers <-> communities as a degree-bounded bipartite matching, solved exactly as
one min-cost flow (the constraint matrix is totally unimodular, so the flow optimum is integral).

Network: helper h supplies ``capacity``; arc h -> c (capacity 1, cost -value); a zero-cost bypass
h -> sink; community c must absorb exactly ``min_helpers`` and may pass up to ``max - min`` more on
to the sink. A community that cannot reach ``min_helpers`` makes the flow infeasible.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow

from .candidates import VALUE_DECIMALS
from .flow import integer_scale, scaled
from .geo import EARTH_RADIUS_KM, haversine_km, unit_xyz
from .model import Community, Helper, Options, TwinningProblem
from .solution import INFEASIBLE, OPTIMAL, Solution

TOP_DIMENSIONS = 2


def _coords(items: list[Community] | list[Helper]) -> tuple[np.ndarray, np.ndarray]:
    lat = np.array([x.location.lat if x.location else np.nan for x in items], np.float64)
    lon = np.array([x.location.lon if x.location else np.nan for x in items], np.float64)
    return lat, lon


def dimensions(problem: TwinningProblem) -> list[str]:
    weak = {k for c in problem.communities for k in c.weakness}
    return sorted(weak | {k for h in problem.helpers for k in h.strength})


def derive_twin_arcs(problem: TwinningProblem) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every pair, with value = sum_k weakness_k x strength_k x 1/(1 + d/D) + continuity bonus."""
    comms, helpers, opts = problem.communities, problem.helpers, problem.options
    dims = dimensions(problem)
    w = np.array([[c.weakness.get(k, 0.0) for k in dims] for c in comms], np.float64)
    s = np.array([[h.strength.get(k, 0.0) for k in dims] for h in helpers], np.float64)
    w, s = w.reshape(len(comms), len(dims)), s.reshape(len(helpers), len(dims))
    fit = w @ s.T
    clat, clon = _coords(comms)
    hlat, hlon = _coords(helpers)
    cx = unit_xyz(np.nan_to_num(clat), np.nan_to_num(clon))
    hx = unit_xyz(np.nan_to_num(hlat), np.nan_to_num(hlon))
    chord = np.sqrt(sum((cx[:, k, None] - hx[None, :, k]) ** 2 for k in range(3)))
    dist = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, chord / 2))
    dist[np.isnan(clat)] = np.nan
    dist[:, np.isnan(hlat)] = np.nan
    d = np.where(np.isnan(dist), opts.unknown_distance_km, dist)
    value = fit / (1.0 + d / opts.distance_scale_km)
    hidx = {h.id: j for j, h in enumerate(helpers)}
    for i, c in enumerate(comms):
        for hid in c.current_helpers:
            j = hidx.get(hid)
            if j is not None:
                value[i, j] += opts.continuity_bonus
    ci, hj = np.divmod(np.arange(len(comms) * len(helpers), dtype=np.int64), max(1, len(helpers)))
    return ci, hj, np.round(value.ravel(), VALUE_DECIMALS), dist.ravel()


def _arcs(problem: TwinningProblem) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    if problem.arcs is None:
        return derive_twin_arcs(problem)
    cidx = {c.id: i for i, c in enumerate(problem.communities)}
    hidx = {h.id: j for j, h in enumerate(problem.helpers)}
    ci = np.array([cidx[a.community] for a in problem.arcs], np.int64)
    hj = np.array([hidx[a.helper] for a in problem.arcs], np.int64)
    val = np.array([a.value for a in problem.arcs], np.float64)
    clat, clon = _coords(problem.communities)
    hlat, hlon = _coords(problem.helpers)
    dist = haversine_km(clat[ci], clon[ci], hlat[hj], hlon[hj]) if len(ci) else np.zeros(0)
    return ci, hj, val, dist


def solve_twinning(problem: TwinningProblem, time_limit: float) -> Solution:
    comms, helpers = problem.communities, problem.helpers
    nc, nh = len(comms), len(helpers)
    ci, hj, val, dist = _arcs(problem)
    lo = np.array([c.min_helpers for c in comms], np.int64)
    hi = np.array([c.max_helpers for c in comms], np.int64)
    cap = np.array([h.capacity for h in helpers], np.int64)
    stats: dict[str, Any] = {"solver": "min_cost_flow", "communities": nc, "helpers": nh, "arcs": len(ci)}

    x = np.zeros(len(ci), np.int64)
    ok = int(cap.sum()) >= int(lo.sum())
    if ok:
        if problem.arcs is None:  # derived values are multiples of 1e-6
            scale, _ = integer_scale(np.array([float(np.abs(val).max(initial=0.0)), 1e-6]))
        else:
            scale, _ = integer_scale(val)
        gain = scaled(val, scale)
        live = (gain > 0) | (lo[ci] > 0)  # a pair worth nothing is used only to reach min
        solved = _solve_pruned(ci, hj, gain, live, lo, hi, cap, nc, nh)
        if solved is None:
            solved = _flow(ci, hj, gain, np.flatnonzero(live), lo, hi, cap, nc, nh)
        ok, x, rounds = solved
        stats["pricing_rounds"] = rounds
    if not ok:
        has = np.bincount(ci, minlength=nc)
        rows: list[dict[str, Any]] = []
        for i, c in enumerate(comms):
            if c.min_helpers > 0:
                short = c.min_helpers > has[i]
                rows.append(
                    {
                        "community": c.id,
                        "quantity": int(c.min_helpers),
                        "reason": "insufficient_capacity" if short else "conflict",
                        "detail": (
                            f"only {has[i]} candidate helper(s) for min_helpers {c.min_helpers}"
                            if short
                            else "communities with min_helpers compete for helpers"
                        ),
                    }
                )
        rows.sort(key=lambda r: r["community"])
        return Solution("twinning", INFEASIBLE, unmatched=rows, stats=stats)

    assignments: list[dict[str, Any]] = []
    dims = dimensions(problem)
    for a in np.flatnonzero(x > 0).tolist():
        c, h = comms[int(ci[a])], helpers[int(hj[a])]
        assignments.append(
            {
                "community": c.id,
                "helper": h.id,
                "quantity": 1,
                "value": float(val[a]),
                "reasons": _reasons(c, h, float(dist[a]), dims, problem.arcs is None),
            }
        )
    assignments.sort(key=lambda r: (r["community"], r["helper"]))
    objective = math.fsum(r["value"] for r in assignments)
    unmatched = _short(problem, ci, hj, val, x, hi, cap)
    return Solution("twinning", OPTIMAL, objective, objective, assignments, unmatched, stats)


def _flow(
    ci: np.ndarray,
    hj: np.ndarray,
    gain: np.ndarray,
    keep: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    cap: np.ndarray,
    nc: int,
    nh: int,
    with_residual: bool = False,
):
    """Min-cost flow over the pairs ``keep``. Returns (feasible, x over all pairs, 0) and, when asked,
    the flows of every network arc for the pricing step."""
    sink = nh + nc
    tails = np.concatenate((hj[keep], np.arange(nh), nh + np.arange(nc))).astype(np.int32)
    heads = np.concatenate((nh + ci[keep], np.full(nh, sink), np.full(nc, sink))).astype(np.int32)
    caps = np.concatenate((np.ones(len(keep), np.int64), cap, hi - lo))
    costs = np.concatenate((-gain[keep], np.zeros(nh + nc, np.int64)))
    supplies = np.concatenate((cap, -lo, [-(int(cap.sum()) - int(lo.sum()))])).astype(np.int64)
    mcf = min_cost_flow.SimpleMinCostFlow()
    mcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    mcf.set_nodes_supplies(np.arange(nh + nc + 1, dtype=np.int32), supplies)
    status = mcf.solve()
    x = np.zeros(len(ci), np.int64)
    if status == mcf.INFEASIBLE:
        return (False, x, 0) if not with_residual else None
    if status != mcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = np.asarray(mcf.flows(np.arange(len(tails), dtype=np.int32)), np.int64)
    x[keep] = flows[: len(keep)]
    if with_residual:
        return x, (tails, heads, caps, costs, flows)
    return True, x, 0


PRICING_MIN_ARCS = 50_000  # below it the whole flow is solved at once
PRUNE_EXTRA = 8  # candidate helpers kept per community beyond twice its max_helpers
MAX_PRICING_ROUNDS = 5


def _potentials(u: np.ndarray, v: np.ndarray, w: np.ndarray, n: int, max_rounds: int = 5000) -> np.ndarray | None:
    """Shortest distances from a root joined to every node at cost 0 (Bellman-Ford, one vectorised
    relaxation of all arcs per round). None if it does not settle (a negative cycle)."""
    order = np.argsort(v, kind="stable")
    u, v, w = u[order], v[order], w[order]
    starts = np.r_[0, np.flatnonzero(np.diff(v)) + 1]
    heads = v[starts]
    dist = np.zeros(n)
    for _ in range(max_rounds):
        best = np.minimum.reduceat(dist[u] + w, starts)
        better = best < dist[heads] - 1e-9
        if not better.any():
            return dist
        dist[heads[better]] = best[better]
    return None


def _solve_pruned(
    ci: np.ndarray,
    hj: np.ndarray,
    gain: np.ndarray,
    live: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    cap: np.ndarray,
    nc: int,
    nh: int,
):
    """Column generation that ends in a proof: solve over each community's best pairs, price every
    left-out pair with node potentials from the residual network (shortest distances, Bellman-Ford),
    add the pairs with a negative reduced cost, and repeat. With none left the flow is optimal for all
    pairs (LP duality; the network matrix is totally unimodular). None means: solve the whole instead."""
    cand = np.flatnonzero(live)
    if len(cand) < PRICING_MIN_ARCS:
        return None
    kept = np.zeros(len(ci), bool)
    want = 2 * hi + PRUNE_EXTRA
    if len(ci) == nc * nh and nh > 0 and bool(np.all(ci == np.repeat(np.arange(nc), nh))):
        # every pair, community-major: pick each row's best with a partial sort
        k = int(min(nh, want.max(initial=0)))
        matrix = np.where(live, gain, np.iinfo(np.int64).min).reshape(nc, nh)
        top = np.argpartition(-matrix, k - 1, axis=1)[:, :k] if k < nh else np.tile(np.arange(nh), (nc, 1))
        vals = np.take_along_axis(matrix, top, axis=1)
        top = np.take_along_axis(top, np.argsort(-vals, axis=1, kind="stable"), axis=1)
        rows = np.repeat(np.arange(nc), top.shape[1])
        rank = np.tile(np.arange(top.shape[1]), nc)
        flat = rows * nh + top.ravel()
        kept[flat[(rank < want[rows]) & live[flat]]] = True
    else:
        order = cand[np.lexsort((-gain[cand], ci[cand]))]
        first = np.r_[0, np.flatnonzero(np.diff(ci[order])) + 1]
        rank = np.arange(len(order)) - np.repeat(first, np.diff(np.r_[first, len(order)]))
        kept[order[rank < want[ci[order]]]] = True
    n = nh + nc + 2
    root = n - 1
    for rounds in range(1, MAX_PRICING_ROUNDS + 1):
        keep = np.flatnonzero(kept)
        solved = _flow(ci, hj, gain, keep, lo, hi, cap, nc, nh, with_residual=True)
        if solved is None:
            return None
        x, (tails, heads, caps, costs, flows) = solved
        fwd = flows < caps
        back = flows > 0
        u = np.concatenate((tails[fwd], heads[back], np.full(n - 1, root)))
        v = np.concatenate((heads[fwd], tails[back], np.arange(n - 1)))
        w = np.concatenate((costs[fwd], -costs[back], np.zeros(n - 1))).astype(np.float64)
        dist = _potentials(u, v, w, n)
        if dist is None:
            return None
        out = cand[~kept[cand]]
        reduced = -gain[out] + dist[hj[out]] - dist[nh + ci[out]]
        bad = out[reduced < -1e-6]
        if not len(bad):
            return True, x, rounds
        kept[bad] = True
    return None


def _reasons(c: Community, h: Helper, dist: float, dims: list[str], derived: bool) -> list[str]:
    out = [] if derived else ["listed arc"]
    prod = sorted(((c.weakness.get(k, 0.0) * h.strength.get(k, 0.0), k) for k in dims), reverse=True)
    met = [k for p, k in prod[:TOP_DIMENSIONS] if p > 0]
    if met:
        out.append(f"strengths meet weaknesses: {', '.join(met)}")
    if dist == dist:
        out.append(f"{dist:.1f} km away")
    if h.id in c.current_helpers:
        out.append("continues a current pair")
    return out


def _short(
    problem: TwinningProblem,
    ci: np.ndarray,
    hj: np.ndarray,
    val: np.ndarray,
    x: np.ndarray,
    hi: np.ndarray,
    cap: np.ndarray,
) -> list[dict[str, Any]]:
    got = np.bincount(ci, weights=x, minlength=len(hi)).astype(np.int64)
    used = np.bincount(hj, weights=x, minlength=len(cap)).astype(np.int64)
    order = np.argsort(ci, kind="stable")
    starts = np.searchsorted(ci[order], np.arange(len(hi) + 1))
    rows = []
    for i in np.flatnonzero(got < hi).tolist():
        c = problem.communities[i]
        mine = order[starts[i] : starts[i + 1]]
        row: dict[str, Any] = {"community": c.id, "quantity": int(hi[i] - got[i])}
        free = mine[(x[mine] == 0)]
        positive = free[val[free] > 0]
        if not len(mine):
            row.update(reason="no_candidate", detail="no helper is a candidate for this community")
        elif not len(positive):
            row.update(reason="not_worth_serving", detail="no further helper adds value")
        else:
            full = positive[used[hj[positive]] >= cap[hj[positive]]]
            best = positive[np.lexsort((hj[positive], -val[positive]))[0]]
            helper = problem.helpers[int(hj[best])]
            row.update(
                reason="capacity_taken" if len(full) == len(positive) else "not_reached",
                detail=f"the helpers that would add value are fully committed; the best, {helper.id}, "
                f"is at its capacity of {helper.capacity}",
                would_help={"helper": helper.id, "constraint": "capacity", "detail": f"1 more capacity at {helper.id}"},
            )
        rows.append(row)
    return sorted(rows, key=lambda r: r["community"])


__all__ = ["Options", "solve_twinning"]
