"""The matcher's allocation pipeline as it was before the fast path (2026-11-27, commit 529aaa2), kept
verbatim where it changed: the dataclass-per-field JSON readers (still ``matching.load.parse``), the
k-d tree candidates with ``np.linalg.norm``, one group's arrays by ``searchsorted``, per-row reasons,
``sorted`` rows and ``json.dumps``. ``legacy_json(doc)`` is the reference the fast path must equal
byte for byte (test_matching_fast.py)."""

from __future__ import annotations

import json
import math
from itertools import chain
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from matching.allocation import Group
from matching.api import _by_status, _fsum_products, _solver_name, _sort_unmatched
from matching.candidates import Arcs, Sides, _codes, _coords, _explicit, derived_value, need_weight, sides, skill_masks
from matching.decompose import GroupIndex, partition, run_groups
from matching.explain import (
    CANDIDATES_SHOWN,
    HOLDERS_SHOWN,
    NEAREST_CONSULTED,
    NEAREST_SHOWN,
    _km,
    _would_help,
    infeasible_rows,
)
from matching.geo import EARTH_RADIUS_KM, chord_for_km, haversine_km, unit_xyz
from matching.load import parse
from matching.model import AllocationProblem, Need, Offer, Options
from matching.solution import INFEASIBLE, NO_SOLUTION, OPTIMAL, Solution
from matching.units import canonical_item, canonical_unit


def legacy_json(doc: dict[str, Any]) -> str:
    """The document the matcher wrote for this allocation instance before the fast path."""
    problem = parse(json.loads(json.dumps(doc)))
    assert isinstance(problem, AllocationProblem)
    solution = legacy_solve(problem)
    return json.dumps(solution.to_dict(), ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def legacy_solve(problem: AllocationProblem) -> Solution:
    return _solve_allocation(problem, float(problem.options.time_limit_s))


def build_arcs(problem: AllocationProblem) -> Arcs:
    if problem.arcs is not None:
        return _explicit(problem)
    return derive(problem.needs, problem.offers, problem.options)


def _solve_allocation(problem: AllocationProblem, limit: float) -> Solution:
    sd = sides(problem)
    arcs = build_arcs(problem)
    part = partition(sd, arcs, limit, problem.options.decompose)
    jobs = [local_group(sd, arcs, gi, problem.options.cp_workers) for gi in part.groups]
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
        iso_rows, _ = legacy_no_candidate_rows(problem, iso_req)
        return Solution("allocation", INFEASIBLE, unmatched=_sort_unmatched(rows + iso_rows, "need"), stats=stats)
    if status == NO_SOLUTION:
        return Solution("allocation", NO_SOLUTION, stats=stats)
    assignments = sorted(assignment_rows(problem, arcs, x), key=lambda r: (r["need"], r["offer"]))
    grouped = np.concatenate([gi.needs for gi in part.groups]) if part.groups else np.zeros(0, np.int64)
    unmatched = short_rows(problem, arcs, sd, x, grouped) + legacy_no_candidate_rows(problem, part.isolated_needs)[0]
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


def local_group(sd: Sides, arcs: Arcs, gi: GroupIndex, cp_workers: int = 1) -> Group:
    return Group(
        qty=sd.qty[gi.needs],
        splittable=sd.splittable[gi.needs],
        required=sd.required[gi.needs],
        cap=sd.cap[gi.offers],
        arc_need=np.searchsorted(gi.needs, arcs.need[gi.arcs]),
        arc_offer=np.searchsorted(gi.offers, arcs.offer[gi.arcs]),
        value=arcs.value[gi.arcs],
        load=arcs.load[gi.arcs],
        time_limit=gi.time_limit,
        cp_workers=cp_workers,
    )


_JOBS: list[Group] = []


def derive(needs: list[Need], offers: list[Offer], options: Options) -> Arcs:
    n, m = len(needs), len(offers)
    # category codes in name order, so that a sub-problem lists its arcs in the same relative order
    names = sorted({x.category for x in needs} | {x.category for x in offers}, key=lambda c: (c is not None, c or ""))
    table: dict[str | None, int] = {c: k for k, c in enumerate(names)}
    ncat = _codes([x.category for x in needs], table)
    ocat = _codes([x.category for x in offers], table)
    nlat, nlon = _coords(needs)
    olat, olon = _coords(offers)
    radius = np.fromiter((np.inf if x.radius_km is None else x.radius_km for x in offers), np.float64, m)
    nloc, oloc = ~np.isnan(nlat), ~np.isnan(olat)
    nxyz = unit_xyz(np.nan_to_num(nlat), np.nan_to_num(nlon))
    oxyz = unit_xyz(np.nan_to_num(olat), np.nan_to_num(olon))

    parts_n: list[np.ndarray] = []
    parts_o: list[np.ndarray] = []
    n_order = np.argsort(ncat, kind="stable")
    o_order = np.argsort(ocat, kind="stable")
    n_bounds = np.searchsorted(ncat[n_order], np.arange(len(table) + 1))
    o_bounds = np.searchsorted(ocat[o_order], np.arange(len(table) + 1))
    for c in range(len(table)):
        cn = n_order[n_bounds[c] : n_bounds[c + 1]]
        co = o_order[o_bounds[c] : o_bounds[c + 1]]
        if not len(cn) or not len(co):
            continue
        ln, un = cn[nloc[cn]], cn[~nloc[cn]]
        lo_all = co[oloc[co]]
        lo_far, lo_any = lo_all[np.isfinite(radius[lo_all])], lo_all[~np.isfinite(radius[lo_all])]
        uo = co[~oloc[co]]
        # located needs x located offers with a radius: ball queries on a k-d tree of the needs
        if len(ln) and len(lo_far):
            tree = cKDTree(nxyz[ln])
            hits = tree.query_ball_point(oxyz[lo_far], r=chord_for_km(radius[lo_far]) * (1 + 1e-9) + 1e-12)
            counts = np.fromiter(map(len, hits), np.int64, len(hits))
            total = int(counts.sum())
            if total:
                parts_o.append(np.repeat(lo_far, counts))
                parts_n.append(ln[np.fromiter(chain.from_iterable(hits), np.int64, total)])
        # pairs where the distance rule does not apply
        for a, b in ((ln, lo_any), (un, co), (ln, uo)):
            if len(a) and len(b):
                parts_n.append(np.repeat(a, len(b)))
                parts_o.append(np.tile(b, len(a)))
    if parts_n:
        need = np.concatenate(parts_n)
        offer = np.concatenate(parts_o)
    else:
        need = offer = np.zeros(0, np.int64)

    located = nloc[need] & oloc[offer]
    chord = np.linalg.norm(nxyz[need] - oxyz[offer], axis=1)
    dist = np.where(located, 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, chord / 2)), np.nan)
    keep = ~(dist > radius[offer])  # nan distances are kept
    nmask, omask, _ = skill_masks(needs, offers)
    keep &= np.all((nmask[need] & ~omask[offer]) == 0, axis=1)
    need, offer, dist = need[keep], offer[keep], dist[keep]

    weight = np.fromiter((need_weight(x, options) for x in needs), np.float64, n)
    rep = np.fromiter(
        (options.reputation_default if x.reputation is None else x.reputation for x in offers), np.float64, m
    )
    value = derived_value(weight[need], dist, rep[offer], options)
    return Arcs(need, offer, value, np.ones(len(need), np.int64), dist, derived=True)


def assignment_rows(problem: AllocationProblem, arcs: Arcs, x: np.ndarray) -> list[dict[str, Any]]:
    rows = []
    needs, offers = problem.needs, problem.offers
    idx = np.flatnonzero(x > 0)
    if arcs.derived:  # every derived arc has the same category and covers the skills
        offer_tail: dict[int, list[str]] = {}
        need_tail: dict[int, list[str]] = {}
        by_kind: dict[tuple[bool, str | None, float | None], list[str]] = {}
        for i, j, q, v, d in zip(
            arcs.need[idx].tolist(),
            arcs.offer[idx].tolist(),
            x[idx].tolist(),
            arcs.value[idx].tolist(),
            arcs.dist_km[idx].tolist(),
            strict=True,
        ):
            nt = need_tail.get(i)
            if nt is None:
                need = needs[i]
                kind = (bool(need.skills), need.colour, need.weight)
                nt = by_kind.get(kind)
                if nt is None:
                    nt = by_kind[kind] = _need_reasons(need)
                need_tail[i] = nt
            ot = offer_tail.get(j)
            if ot is None:
                ot = offer_tail[j] = _offer_reasons(offers[j])
            head = ["same category"] if needs[i].category is not None else []
            if d == d:
                head.append(f"{d:.1f} km away")
            rows.append(
                {"need": needs[i].id, "offer": offers[j].id, "quantity": q, "value": v, "reasons": head + nt + ot}
            )
        return rows
    for i, j, q, v, d in zip(
        arcs.need[idx].tolist(),
        arcs.offer[idx].tolist(),
        x[idx].tolist(),
        arcs.value[idx].tolist(),
        arcs.dist_km[idx].tolist(),
        strict=True,
    ):
        need, offer = needs[i], offers[j]
        rows.append(
            {
                "need": need.id,
                "offer": offer.id,
                "quantity": q,
                "value": v,
                "reasons": _reasons(need, offer, d, arcs.derived),
            }
        )
    return rows


def _need_reasons(need: Need) -> list[str]:
    out = ["skills covered"] if need.skills else []
    if need.colour is not None:
        out.append(f"colour {need.colour}")
    elif need.weight is not None and need.weight != 1.0:
        out.append(f"weight {need.weight:g}")
    return out


def _offer_reasons(offer: Offer) -> list[str]:
    return [] if offer.reputation is None else [f"reputation {offer.reputation:g}"]


def _reasons(need: Need, offer: Offer, dist: float, derived: bool) -> list[str]:
    out = [] if derived else ["listed arc"]
    if need.category is not None and need.category == offer.category:
        out.append("same category")
    if dist == dist:
        out.append(f"{dist:.1f} km away")
    if need.skills and set(need.skills) <= set(offer.skills):
        out.append("skills covered")
    if need.colour is not None:
        out.append(f"colour {need.colour}")
    elif need.weight is not None and need.weight != 1.0:
        out.append(f"weight {need.weight:g}")
    if offer.reputation is not None:
        out.append(f"reputation {offer.reputation:g}")
    return out


def _first_per(keys: np.ndarray, order: np.ndarray, k: int) -> np.ndarray:
    """Positions in ``order`` (sorted by ``keys[order]``) of the first ``k`` entries of each key."""
    ks = keys[order]
    starts = np.r_[0, np.flatnonzero(ks[1:] != ks[:-1]) + 1] if len(ks) else np.zeros(0, np.int64)
    rank = np.arange(len(ks)) - np.repeat(starts, np.diff(np.r_[starts, len(ks)]))
    return order[rank < k]


def short_rows(
    problem: AllocationProblem, arcs: Arcs, sd: Sides, x: np.ndarray, need_idx: np.ndarray
) -> list[dict[str, Any]]:
    """Explain needs (that have candidates) served less than their quantity in a solution."""
    needs, offers = problem.needs, problem.offers
    served = np.bincount(arcs.need, weights=x, minlength=len(sd.qty)).astype(np.int64)
    used = np.bincount(arcs.offer, weights=x * arcs.load, minlength=len(sd.cap)).astype(np.int64)
    room = sd.cap - used
    short = np.zeros(len(sd.qty), bool)
    short[need_idx] = True
    short &= served < sd.qty
    if not short.any():
        return []
    # candidate arcs with a positive value, of the needs left short
    cand = np.flatnonzero(short[arcs.need] & (arcs.value > 0))
    unit = np.where(sd.splittable[arcs.need[cand]], 1, sd.qty[arcs.need[cand]]) * arcs.load[cand]
    has_pos = np.bincount(arcs.need[cand], minlength=len(sd.qty)) > 0
    has_room = np.bincount(arcs.need[cand[room[arcs.offer[cand]] >= unit]], minlength=len(sd.qty)) > 0
    n_offers = np.bincount(arcs.need[cand], minlength=len(sd.qty))
    # each short need's best candidates (highest value first), and each offer's best holders
    by_value = cand[np.lexsort((arcs.offer[cand], -arcs.value[cand], arcs.need[cand]))]
    top = _first_per(arcs.need, by_value, CANDIDATES_SHOWN)
    held = np.flatnonzero(x > 0)
    held = held[np.lexsort((arcs.need[held], -arcs.value[held], arcs.offer[held]))]
    holders = _first_per(arcs.offer, held, HOLDERS_SHOWN + 1)
    holders_of: dict[int, list[int]] = {}
    for a in holders.tolist():
        holders_of.setdefault(int(arcs.offer[a]), []).append(a)
    top_of: dict[int, list[int]] = {}
    for a in top.tolist():
        top_of.setdefault(int(arcs.need[a]), []).append(a)
    rows = []
    for i in np.flatnonzero(short).tolist():
        row: dict[str, Any] = {"need": needs[i].id, "quantity": int(sd.qty[i] - served[i])}
        rows.append(row)
        if not has_pos[i]:
            row["reason"] = "not_worth_serving"
            row["detail"] = "every candidate offer has a value of zero or less for this need"
            continue
        if has_room[i]:
            row["reason"] = "not_reached"
            row["detail"] = "a candidate offer still has room; the search stopped before placing this need"
            continue
        mine = top_of[i]
        ranked = sorted(
            (-float(arcs.value[a]), needs[int(arcs.need[a])].id)
            for b in mine
            for a in holders_of.get(int(arcs.offer[b]), ())
            if arcs.need[a] != i
        )
        names: list[str] = []
        for _, nid in ranked:
            if nid not in names:
                names.append(nid)
        names = names[:HOLDERS_SHOWN]
        best = mine[0]
        best_offer = offers[int(arcs.offer[best])]
        missing = int(arcs.load[best]) * (row["quantity"] if sd.splittable[i] else int(sd.qty[i]))
        missing -= max(0, int(room[arcs.offer[best]]))
        row["reason"] = "capacity_taken"
        if names:
            row["detail"] = (
                f"the capacity of its {n_offers[i]} candidate offer(s) went to needs that add "
                f"more value: {', '.join(names)}"
            )
        else:
            row["detail"] = f"its {n_offers[i]} candidate offer(s) are full with what this need already got"
        row["taken_by"] = names
        row["would_help"] = {
            "offer": best_offer.id,
            "constraint": "capacity",
            "detail": f"{missing} more capacity at {best_offer.id}",
        }
    return rows


# the explanation of needs without candidates before it stopped scanning the whole skill vocabulary per
# offer (2026-11-30): the lacking skills came from the bit masks
def legacy_no_candidate_rows(
    problem: AllocationProblem,
    need_idx: np.ndarray,
) -> tuple[list[dict[str, Any]], list[int]]:
    """Explain needs without any candidate offer, looking at the nearest offers of the pool
    (offers and reference offers). Returns the rows and the pool positions consulted."""
    pool: list[Offer] = list(problem.offers) + list(problem.reference_offers)
    needs = [problem.needs[i] for i in need_idx.tolist()]
    if problem.arcs is not None:
        return [
            {"need": n.id, "quantity": int(n.quantity), "reason": "no_candidate", "detail": "no arc lists this need"}
            for n in needs
            if n.quantity > 0
        ], []
    rows: list[dict[str, Any]] = []
    consulted: set[int] = set()
    located = [j for j, o in enumerate(pool) if o.location is not None]
    tree = None
    if located:
        lat = np.array([pool[j].location.lat for j in located])  # type: ignore[union-attr]
        lon = np.array([pool[j].location.lon for j in located])  # type: ignore[union-attr]
        tree = cKDTree(unit_xyz(lat, lon))
    nmask, omask, vocab = skill_masks(needs, pool)
    by_id = sorted(range(len(pool)), key=lambda j: pool[j].id)
    for k, need in enumerate(needs):
        if need.quantity == 0:
            continue
        if need.location is not None and tree is not None:
            kk = min(NEAREST_CONSULTED, len(located))
            _, hit = tree.query(unit_xyz(np.array([need.location.lat]), np.array([need.location.lon])), k=kk)
            cand = [located[h] for h in np.atleast_1d(hit.ravel()).tolist()]
            d = haversine_km(
                np.full(len(cand), need.location.lat),
                np.full(len(cand), need.location.lon),
                np.array([pool[j].location.lat for j in cand]),
                np.array([pool[j].location.lon for j in cand]),
            )
            ranked = [(dd, j) for dd, _, j in sorted(zip(d.tolist(), [pool[j].id for j in cand], cand, strict=True))]
        else:
            same = [j for j in by_id if pool[j].category == need.category]
            other = [j for j in by_id if pool[j].category != need.category]
            ranked = [(float("nan"), j) for j in (same + other)[:NEAREST_CONSULTED]]
        nearest: list[dict[str, Any]] = []
        helps = None
        for dist, j in ranked:
            consulted.add(j)
            offer = pool[j]
            rules = []
            if offer.category != need.category:
                rules.append("category")
            nu, ou = canonical_unit(need.unit), canonical_unit(offer.unit)
            if nu is not None and ou is not None and nu != ou:
                rules.append("unit")
            if canonical_item(need.item) not in (None, canonical_item(offer.item)):
                rules.append("item")
            lacking = [vocab[b] for b in range(len(vocab)) if _bit(nmask[k], b) and not _bit(omask[j], b)]
            if lacking:
                rules.append("skills")
            if offer.radius_km is not None and dist == dist and dist > offer.radius_km:
                rules.append("radius")
            entry: dict[str, Any] = {"offer": offer.id, "excluded_by": rules}
            if dist == dist:
                entry["distance_km"] = round(dist, 1)
            if len(nearest) < NEAREST_SHOWN:
                nearest.append(entry)
            if helps is None and len(rules) == 1:
                helps = _would_help(need, offer, rules[0], dist, lacking)
        row: dict[str, Any] = {"need": need.id, "quantity": int(need.quantity), "reason": "no_candidate"}
        if nearest:
            first = nearest[0]
            where = f" ({_km(first['distance_km'])})" if "distance_km" in first else ""
            row["detail"] = (
                f"no offer qualifies; the nearest, {first['offer']}{where}, is excluded by "
                f"{' and '.join(first['excluded_by'])}"
            )
        else:
            row["detail"] = "there are no offers"
        row["nearest"] = nearest
        if helps is not None:
            row["would_help"] = helps
        rows.append(row)
    return rows, sorted(consulted)


def _bit(mask: np.ndarray, b: int) -> bool:
    return bool((int(mask[b // 64]) >> (b % 64)) & 1)


def _bit(mask: np.ndarray, b: int) -> bool:
    return bool((int(mask[b // 64]) >> (b % 64)) & 1)
