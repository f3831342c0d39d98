"""Readable reasons for allocation assignments and for every need left short.

Reason codes of unmatched needs (documented in matching/README.md):
``no_candidate``, ``capacity_taken``, ``not_worth_serving``, ``not_reached`` and, for infeasible
instances, ``insufficient_capacity`` and ``conflict``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from .candidates import Arcs, Sides
from .geo import haversine_km, unit_xyz
from .model import AllocationProblem, Need, Offer
from .units import canonical_item, canonical_unit

NEAREST_CONSULTED = 20  # offers looked at to explain a need without candidates
NEAREST_SHOWN = 3
HOLDERS_SHOWN = 3
CANDIDATES_SHOWN = 5  # a short need's best candidate offers whose holders are named


def _km(d: float) -> str:
    return f"{d:.1f} km"


def id_order(ids: list[str]) -> np.ndarray:
    """Positions that sort ``ids`` as Python sorts strings (by code point), computed by NumPy."""
    if not ids:
        return np.zeros(0, np.int64)
    if not all(type(k) is str for k in ids) or "\x00" in "".join(ids):  # NumPy's strings drop trailing NULs
        return np.array(sorted(range(len(ids)), key=ids.__getitem__), np.int64)
    return np.argsort(np.array(ids), kind="stable")


def id_rank(ids: list[str]) -> np.ndarray:
    """Rank of each id in code-point order (ids are unique)."""
    rank = np.empty(len(ids), np.int64)
    rank[id_order(ids)] = np.arange(len(ids))
    return rank


def assignment_rows(problem: AllocationProblem, arcs: Arcs, x: np.ndarray) -> list[dict[str, Any]]:
    """One row per arc carrying a positive quantity, sorted by need id then offer id."""
    needs, offers = problem.needs, problem.offers
    idx = np.flatnonzero(x > 0)
    if not len(idx):
        return []
    need_ids = [n.id for n in needs]
    offer_ids = [o.id for o in offers]
    ai, aj = arcs.need[idx], arcs.offer[idx]
    # (need id, offer id) pairs are unique, so this order is total, as ``sorted`` by the pair would be
    idx = idx[np.lexsort((id_rank(offer_ids)[aj], id_rank(need_ids)[ai]))]
    ii, jj = arcs.need[idx].tolist(), arcs.offer[idx].tolist()
    nid = [need_ids[i] for i in ii]
    oid = [offer_ids[j] for j in jj]
    qty, val, dist = x[idx].tolist(), arcs.value[idx].tolist(), arcs.dist_km[idx].tolist()
    if not arcs.derived:
        return [
            {"need": a, "offer": b, "quantity": q, "value": v, "reasons": _reasons(needs[i], offers[j], d, False)}
            for a, b, q, v, d, i, j in zip(nid, oid, qty, val, dist, ii, jj, strict=True)
        ]
    # every derived arc has the same category and covers the skills: the reasons are a head that
    # depends on the pair (category, distance), a tail of the need's and one of the offer's
    by_kind: dict[tuple[bool, str | None, float | None], tuple[str, ...]] = {}
    head: dict[int, tuple[str, ...]] = {}
    tail: dict[int, tuple[str, ...]] = {}
    for i in set(ii):
        need = needs[i]
        kind = (bool(need.skills), need.colour, need.weight)
        t = by_kind.get(kind)
        if t is None:
            t = by_kind[kind] = tuple(_need_reasons(need))
        head[i] = () if need.category is None else ("same category",)
        tail[i] = t
    offer_tail = {j: tuple(_offer_reasons(offers[j])) for j in set(jj)}
    return [
        {
            "need": a,
            "offer": b,
            "quantity": q,
            "value": v,
            "reasons": [*head[i], f"{d:.1f} km away", *tail[i], *offer_tail[j]]
            if d == d
            else [*head[i], *tail[i], *offer_tail[j]],
        }
        for a, b, q, v, d, i, j in zip(nid, oid, qty, val, dist, ii, jj, strict=True)
    ]


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
    need_ids = [n.id for n in needs]
    # per offer, its best holders as (-value, need id, need): sorting these sorts by (-value, need id)
    holders_of: dict[int, list[tuple[float, str, int]]] = {}
    for j, v, i in zip(
        arcs.offer[holders].tolist(), arcs.value[holders].tolist(), arcs.need[holders].tolist(), strict=True
    ):
        holders_of.setdefault(j, []).append((-v, need_ids[i], i))
    top_of: dict[int, list[int]] = {}  # per short need, its best candidates' offers, best first
    best_load: dict[int, int] = {}
    for i, j, ld in zip(arcs.need[top].tolist(), arcs.offer[top].tolist(), arcs.load[top].tolist(), strict=True):
        mine = top_of.get(i)
        if mine is None:
            top_of[i] = [j]
            best_load[i] = ld
        else:
            mine.append(j)
    qty, got, n_cand = sd.qty.tolist(), served.tolist(), n_offers.tolist()
    split, room_l = sd.splittable.tolist(), room.tolist()
    has_pos_l, has_room_l = has_pos.tolist(), has_room.tolist()
    rows = []
    for i in np.flatnonzero(short).tolist():
        row: dict[str, Any] = {"need": need_ids[i], "quantity": qty[i] - got[i]}
        rows.append(row)
        if not has_pos_l[i]:
            row["reason"] = "not_worth_serving"
            row["detail"] = "every candidate offer has a value of zero or less for this need"
            continue
        if has_room_l[i]:
            row["reason"] = "not_reached"
            row["detail"] = "a candidate offer still has room; the search stopped before placing this need"
            continue
        mine = top_of[i]
        ranked = [h for j in mine for h in holders_of.get(j, ()) if h[2] != i]
        ranked.sort()
        names: list[str] = []
        for _, nid, _ in ranked:
            if nid not in names:
                names.append(nid)
        names = names[:HOLDERS_SHOWN]
        best = mine[0]
        best_id = offers[best].id
        missing = best_load[i] * (row["quantity"] if split[i] else qty[i]) - max(0, room_l[best])
        row["reason"] = "capacity_taken"
        if names:
            row["detail"] = (
                f"the capacity of its {n_cand[i]} candidate offer(s) went to needs that add "
                f"more value: {', '.join(names)}"
            )
        else:
            row["detail"] = f"its {n_cand[i]} candidate offer(s) are full with what this need already got"
        row["taken_by"] = names
        row["would_help"] = {
            "offer": best_id,
            "constraint": "capacity",
            "detail": f"{missing} more capacity at {best_id}",
        }
    return rows


def infeasible_rows(problem: AllocationProblem, arcs: Arcs, sd: Sides, need_idx: np.ndarray) -> list[dict[str, Any]]:
    """For an infeasible group: the required needs, with what makes them impossible when it is local."""
    order = np.argsort(arcs.need, kind="stable")
    starts = np.searchsorted(arcs.need[order], np.arange(len(sd.qty) + 1))
    rows = []
    for i in need_idx.tolist():
        if not sd.required[i] or sd.qty[i] == 0:
            continue
        need = problem.needs[i]
        mine = order[starts[i] : starts[i + 1]]
        q = int(sd.qty[i])
        if sd.splittable[i]:
            reach = int(np.minimum(sd.cap[arcs.offer[mine]], q).sum())
        else:
            fits = sd.cap[arcs.offer[mine]] >= arcs.load[mine] * q
            reach = q if bool(fits.any()) else 0
        if reach < q:
            rows.append(
                {
                    "need": need.id,
                    "quantity": q,
                    "reason": "insufficient_capacity",
                    "detail": "its candidate offers cannot hold the whole quantity even when empty",
                }
            )
        else:
            rows.append(
                {
                    "need": need.id,
                    "quantity": q,
                    "reason": "conflict",
                    "detail": "required needs compete for the same offers and cannot all be served",
                }
            )
    return rows


def no_candidate_rows(
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
    # skills an offer lacks: the need's own skills it does not have, in code-point order (what a scan
    # of the sorted vocabulary of the needs' skills gave, without walking the whole vocabulary per
    # offer: with zone tokens that vocabulary has thousands of entries)
    offer_skills: dict[int, frozenset[str]] = {}
    by_id = sorted(range(len(pool)), key=lambda j: pool[j].id)
    for need in needs:
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
            have = offer_skills.get(j)
            if have is None:
                have = offer_skills[j] = frozenset(offer.skills)
            lacking = sorted({s for s in need.skills if s not in have})
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


def _would_help(need: Need, offer: Offer, rule: str, dist: float, lacking: list[str]) -> dict[str, Any]:
    if rule == "category":
        text = f"{offer.id} offers {offer.category}, not {need.category}"
    elif rule == "skills":
        text = f"{offer.id} lacks the skills {', '.join(lacking)}"
    elif rule == "unit":
        text = f"{offer.id} counts in {offer.unit}, not {need.unit}"
    elif rule == "item":
        text = f"{offer.id} offers {offer.item or 'no named item'}, not {need.item}"
    else:
        text = f"{offer.id} is {_km(dist)} away, beyond its radius of {_km(offer.radius_km or 0.0)}"
    return {"offer": offer.id, "constraint": rule, "detail": text}
