"""Min-cost flow building blocks (OR-Tools SimpleMinCostFlow) and integer scaling of values."""

from __future__ import annotations

import math

import numpy as np
from ortools.graph.python import min_cost_flow

FLOW_COST_TARGET = 1e9  # largest |scaled value|; |cost| x nodes must stay inside int64


def integer_scale(values: np.ndarray, target: float = FLOW_COST_TARGET) -> tuple[float, bool]:
    """A factor that turns values into integers: a power of ten when that is exact, else a power of two.

    Returns (scale, exact)."""
    if values.size == 0:
        return 1.0, True
    top = float(np.abs(values).max())
    if top == 0.0:
        return 1.0, True
    for k in range(0, 10):
        s = 10.0**k
        if top * s > target:
            break
        sv = values * s
        if np.all(np.abs(sv - np.round(sv)) <= 1e-9 * np.maximum(1.0, np.abs(sv))):
            return s, True
    return 2.0 ** math.floor(math.log2(target / top)), False


def scaled(values: np.ndarray, scale: float) -> np.ndarray:
    return np.round(values * scale).astype(np.int64)


def transport(
    qty: np.ndarray,
    required: np.ndarray,
    cap: np.ndarray,
    arc_need: np.ndarray,
    arc_offer: np.ndarray,
    gain: np.ndarray,
) -> tuple[bool, np.ndarray, int]:
    """Maximise sum(gain x flow): needs supply up to qty (exactly qty when required), offers take up to cap.

    Returns (feasible, flow per arc, total gain)."""
    live = np.flatnonzero(required[arc_need] | (gain > 0))  # worthless arcs only serve required needs
    full_count = len(arc_need)
    arc_need, arc_offer, gain = arc_need[live], arc_offer[live], gain[live]
    n, m = len(qty), len(cap)
    sink = n + m
    total = int(qty.sum())
    opt = np.flatnonzero(~required)
    tails = np.concatenate((arc_need, opt, np.arange(n, n + m))).astype(np.int32)
    heads = np.concatenate((arc_offer + n, np.full(len(opt), sink), np.full(m, sink))).astype(np.int32)
    caps = np.concatenate((qty[arc_need], qty[opt], cap)).astype(np.int64)
    costs = np.concatenate((-gain, np.zeros(len(opt) + m, np.int64))).astype(np.int64)
    mcf = min_cost_flow.SimpleMinCostFlow()
    mcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.zeros(n + m + 1, np.int64)
    supplies[:n] = qty
    supplies[sink] = -total
    mcf.set_nodes_supplies(np.arange(n + m + 1, dtype=np.int32), supplies)
    status = mcf.solve()
    if status == mcf.OPTIMAL:
        flows = np.zeros(full_count, np.int64)
        flows[live] = mcf.flows(np.arange(len(live), dtype=np.int32))
        return True, flows, -int(mcf.optimal_cost())
    if status == mcf.INFEASIBLE:
        return False, np.zeros(full_count, np.int64), 0
    raise RuntimeError(f"min-cost flow failed with status {status}")
