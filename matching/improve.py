"""Local search on unsplittable needs: shift a need to a better offer, or eject one need from a full
offer to make room (moving it elsewhere, to the freed place, or dropping it when it is optional).

The budget counts move evaluations, not seconds, so the result is the same on every run.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .group import Group


def local_search(g: Group, x: np.ndarray, budget: int) -> np.ndarray:
    """Improve the unsplittable part of a feasible solution ``x`` of group ``g``; returns a new ``x``."""
    x = x.copy()
    n = len(g.qty)
    used = np.bincount(g.arc_offer, weights=x * g.load, minlength=len(g.cap)).astype(np.int64)
    room = (g.cap - used).tolist()
    order = np.argsort(g.arc_need, kind="stable")
    starts = np.searchsorted(g.arc_need[order], np.arange(n + 1))
    movable = (~g.splittable) & (g.qty > 0)
    # per need: its arcs, best total value first: (arc, offer, capacity used, value earned)
    options: dict[int, list[tuple[int, int, int, float]]] = {}
    current: dict[int, int] = {}
    holders: dict[int, dict[int, None]] = {}
    for i in np.flatnonzero(movable).tolist():
        q = int(g.qty[i])
        arcs = order[starts[i] : starts[i + 1]]
        rows = [
            (a, int(g.arc_offer[a]), int(g.load[a]) * q, float(g.value[a]) * q)
            for a in arcs.tolist()
            if int(g.load[a]) * q <= int(g.cap[g.arc_offer[a]])
        ]
        rows.sort(key=lambda r: (-r[3], r[0]))
        options[i] = rows
        placed = [a for a in arcs.tolist() if x[a] > 0]
        current[i] = placed[0] if placed else -1
        if placed:
            holders.setdefault(int(g.arc_offer[placed[0]]), {})[i] = None
    info = {a: (o, u, v) for rows in options.values() for a, o, u, v in rows}
    required = g.required

    def earned(i: int) -> float:
        a = current[i]
        return info[a][2] if a >= 0 else 0.0

    def move(i: int, a: int) -> None:
        old = current[i]
        if old >= 0:
            o, u, _ = info[old]
            room[o] += u
            del holders[o][i]
            x[old] = 0
        if a >= 0:
            o, u, _ = info[a]
            room[o] -= u
            holders.setdefault(o, {})[i] = None
            x[a] = int(g.qty[i])
        current[i] = a

    spent = 0
    improved = True
    while improved and spent < budget:
        improved = False
        for i in options:
            if spent >= budget:
                break
            base = earned(i)
            old = current[i]
            old_offer, old_use = (info[old][0], info[old][1]) if old >= 0 else (-1, 0)
            for a, o, use, val in options[i]:
                spent += 1
                if val <= base + 1e-12:
                    break
                if o == old_offer:
                    continue
                if room[o] >= use:  # shift or insert
                    move(i, a)
                    improved = True
                    break
                deficit = use - room[o]
                best = None
                for k in list(holders.get(o, {})):
                    ck = current[k]
                    _, uk, vk = info[ck]
                    spent += 1
                    if uk < deficit:
                        continue
                    if not required[k] and val - base - vk > 1e-12:
                        cand = (val - base - vk, k, -1)
                        if best is None or cand[0] > best[0]:
                            best = cand
                    for d, od, ud, vd in options[k]:
                        spent += 1
                        if od == o:
                            continue
                        free = room[od] + (old_use if od == old_offer else 0)
                        if free >= ud:
                            gain = val - base + vd - vk
                            if gain > 1e-12 and (best is None or gain > best[0]):
                                best = (gain, k, d)
                            break
                if best is not None:
                    _, k, d = best
                    if d >= 0 and info[d][0] == old_offer:  # a swap: free i's place first
                        move(i, -1)
                        move(k, d)
                        move(i, a)
                    else:
                        move(k, d)
                        move(i, a)
                    improved = True
                    break
    return x


def neighbourhood_search(
    g: Group,
    x: np.ndarray,
    budget: float,
    offers_per_round: int,
    sub_time: float,
    solve_sub: Callable[[Group, np.ndarray], tuple[np.ndarray | None, float]],
    max_rounds: int = 5000,
) -> np.ndarray:
    """Large-neighbourhood search: free every unsplittable need on a few related offers (plus the
    unplaced ones that could go there), re-solve that small problem exactly with ``solve_sub``, keep
    the result when it is better. ``budget`` is in CP-SAT deterministic seconds (each round is charged
    what its solve reports), and neighbourhoods come from a fixed-seed generator: runs are reproducible.
    A neighbourhood grows by one offer after a round of failures."""
    m = len(g.cap)
    unsplit_arc = ~g.splittable[g.arc_need]
    by_offer = np.argsort(g.arc_offer, kind="stable")
    ostarts = np.searchsorted(g.arc_offer[by_offer], np.arange(m + 1))
    by_need = np.argsort(g.arc_need, kind="stable")
    nstarts = np.searchsorted(g.arc_need[by_need], np.arange(len(g.qty) + 1))
    rng = np.random.default_rng(20261127)  # fixed seed: reproducible neighbourhoods
    x = x.copy()
    spent = 0.0
    size = offers_per_round
    fails = 0
    for _ in range(max_rounds):
        if spent >= budget:
            break
        j0 = int(rng.integers(m))
        mine = by_offer[ostarts[j0] : ostarts[j0 + 1]]
        mine = mine[unsplit_arc[mine]]
        near = np.concatenate(
            [by_need[nstarts[i] : nstarts[i + 1]] for i in np.unique(g.arc_need[mine]).tolist()]
            or [np.zeros(0, np.int64)]
        )
        counts = np.bincount(g.arc_offer[near], minlength=m).astype(np.float64)
        counts[j0] = 0.0
        others = min(size - 1, int(np.count_nonzero(counts)))
        picked: np.ndarray | list[int] = (
            rng.choice(m, size=others, replace=False, p=counts / counts.sum()) if others else []
        )
        hood = np.sort(np.unique(np.r_[j0, picked]).astype(np.int64))
        in_hood = np.zeros(m, bool)
        in_hood[hood] = True
        held = np.flatnonzero((x > 0) & unsplit_arc)
        placed_need = np.zeros(len(g.qty), bool)
        placed_need[g.arc_need[held]] = True
        arcs_h = np.flatnonzero(in_hood[g.arc_offer] & unsplit_arc)
        on_hood = np.zeros(len(g.qty), bool)
        on_hood[g.arc_need[held[in_hood[g.arc_offer[held]]]]] = True
        free = on_hood | (~placed_need & (g.qty > 0))
        sub_arcs = arcs_h[free[g.arc_need[arcs_h]]]
        if not len(sub_arcs):
            continue
        needs = np.unique(g.arc_need[sub_arcs])
        used = np.bincount(g.arc_offer, weights=x * g.load, minlength=m).astype(np.int64)
        freed = np.bincount(
            g.arc_offer[held[on_hood[g.arc_need[held]]]],
            weights=(x * g.load)[held[on_hood[g.arc_need[held]]]],
            minlength=m,
        ).astype(np.int64)
        cap = (g.cap - used + freed)[hood]
        sub = Group(
            qty=g.qty[needs],
            splittable=np.zeros(len(needs), bool),
            required=g.required[needs],
            cap=cap,
            arc_need=np.searchsorted(needs, g.arc_need[sub_arcs]),
            arc_offer=np.searchsorted(hood, g.arc_offer[sub_arcs]),
            value=g.value[sub_arcs],
            load=g.load[sub_arcs],
            time_limit=sub_time,
        )
        before = x[sub_arcs]
        after, cost = solve_sub(sub, before)
        spent += cost
        if after is not None and float(np.dot(sub.value, after)) > float(np.dot(sub.value, before)) + 1e-9:
            x[sub_arcs] = after
            fails = 0
        else:
            fails += 1
            if fails >= 2 * m and size < m:
                size += 1
                fails = 0
    return x
