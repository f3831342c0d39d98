"""Split an allocation problem into independent groups of connected components and run them,
in parallel processes when the instance is large.

Components of the candidate graph (needs and offers joined by arcs) share nothing, so solving them one
by one and adding up is the same as solving the whole. Small components are packed, in a fixed order,
into groups of about ``GROUP_ARCS`` arcs so that tiny ones don't each pay a solver's start-up cost.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .allocation import Group, GroupResult, solve_group
from .candidates import Arcs, Sides

GROUP_ARCS = 20_000
PARALLEL_ARCS = 300_000
PARALLEL_CP_ARCS = 50_000


@dataclass(slots=True)
class GroupIndex:
    needs: np.ndarray  # global need indices, ascending
    offers: np.ndarray
    arcs: np.ndarray  # global arc indices, ascending
    cp: bool
    time_limit: float


@dataclass(slots=True)
class Partition:
    groups: list[GroupIndex]
    isolated_needs: np.ndarray
    isolated_offers: np.ndarray
    components: int


def _slices(keys: np.ndarray, count: int) -> list[np.ndarray]:
    order = np.argsort(keys, kind="stable")
    bounds = np.searchsorted(keys[order], np.arange(count + 1))
    return [order[bounds[g] : bounds[g + 1]] for g in range(count)]


def partition(sd: Sides, arcs: Arcs, time_limit: float, decompose: bool = True) -> Partition:
    n, m = len(sd.qty), len(sd.cap)
    need_has = np.bincount(arcs.need, minlength=n) > 0
    offer_has = np.bincount(arcs.offer, minlength=m) > 0
    if decompose:
        graph = coo_matrix((np.ones(len(arcs), np.int8), (arcs.need, arcs.offer + n)), shape=(n + m, n + m))
        _, labels = connected_components(graph, directed=False)
    else:
        labels = np.zeros(n + m, np.int64)
    labels = np.asarray(labels, np.int64)
    ncomp = int(labels.max()) + 1 if len(labels) else 0
    comp_arcs = np.bincount(labels[arcs.need], minlength=ncomp)
    comp_cp = np.zeros(ncomp, bool)
    comp_cp[labels[:n][need_has & ~sd.splittable]] = True
    live = np.flatnonzero(comp_arcs > 0)

    group_of_comp = np.full(ncomp, -1, np.int64)
    group_cp: list[bool] = []
    group_arcs: list[int] = []
    for want_cp in (False, True):
        open_group = -1
        for c in live[comp_cp[live] == want_cp].tolist():
            if open_group < 0:
                open_group = len(group_cp)
                group_cp.append(want_cp)
                group_arcs.append(0)
            group_of_comp[c] = open_group
            group_arcs[open_group] += int(comp_arcs[c])
            if group_arcs[open_group] >= GROUP_ARCS:
                open_group = -1
    count = len(group_cp)
    g_need = np.where(need_has, group_of_comp[labels[:n]], count)
    g_offer = np.where(offer_has, group_of_comp[labels[n:]], count)
    g_arc = group_of_comp[labels[arcs.need]]
    need_sl = _slices(g_need, count + 1)
    offer_sl = _slices(g_offer, count + 1)
    arc_sl = _slices(g_arc, count)
    cp_total = sum(a for a, c in zip(group_arcs, group_cp, strict=True) if c)
    groups = []
    for g in range(count):
        share = time_limit
        if group_cp[g] and cp_total:
            share = time_limit * group_arcs[g] / cp_total
        groups.append(GroupIndex(need_sl[g], offer_sl[g], arc_sl[g], group_cp[g], share))
    return Partition(groups, need_sl[count], offer_sl[count], len(live))


def local_group(sd: Sides, arcs: Arcs, gi: GroupIndex, cp_workers: int = 1) -> Group:
    return local_groups(sd, arcs, [gi], cp_workers)[0]


def local_groups(
    sd: Sides, arcs: Arcs, groups: list[GroupIndex], cp_workers: int = 1, relative_gap: float = 0.0
) -> list[Group]:
    """Each group's arrays, its arcs renumbered to its own needs and offers (each group's needs and
    offers are ascending, so a position table gives what ``searchsorted`` would, in linear time)."""
    need_pos = np.zeros(len(sd.qty), np.int64)
    offer_pos = np.zeros(len(sd.cap), np.int64)
    for gi in groups:
        need_pos[gi.needs] = np.arange(len(gi.needs))
        offer_pos[gi.offers] = np.arange(len(gi.offers))
    return [
        Group(
            qty=sd.qty[gi.needs],
            splittable=sd.splittable[gi.needs],
            required=sd.required[gi.needs],
            cap=sd.cap[gi.offers],
            arc_need=need_pos[arcs.need[gi.arcs]],
            arc_offer=offer_pos[arcs.offer[gi.arcs]],
            value=arcs.value[gi.arcs],
            load=arcs.load[gi.arcs],
            time_limit=gi.time_limit,
            cp_workers=cp_workers,
            relative_gap=relative_gap,
        )
        for gi in groups
    ]


def run_groups(jobs: list[Group], workers: int = 0) -> list[GroupResult]:
    """Solve every group; with several cores and a large instance, in forked worker processes."""
    total = sum(len(j.arc_need) for j in jobs)
    cores = workers or (os.cpu_count() or 1)
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    cp_total = sum(len(j.arc_need) for j in jobs if not bool(np.all(j.splittable)))
    large = total >= PARALLEL_ARCS or cp_total >= PARALLEL_CP_ARCS
    if cores <= 1 or len(jobs) < 2 or not large or not can_fork:
        return [solve_group(j) for j in jobs]
    # Each group's arrays travel to its process with the job (numpy pickles them as one copy), so two
    # solves running at once in one process share nothing.
    order = sorted(range(len(jobs)), key=lambda k: -len(jobs[k].arc_need))
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(cores, len(jobs)), mp_context=ctx) as pool:
        futures = {k: pool.submit(solve_group, jobs[k]) for k in order}
        return [futures[k].result() for k in range(len(jobs))]
