"""Independent references for the matcher's tests: a feasibility checker written from the contract,
brute-force candidate derivation, and optimal objectives from SciPy's HiGHS (``scipy.optimize.milp``).
Nothing here imports the solver's internals."""

from __future__ import annotations

import itertools
import math
from datetime import datetime
from typing import Any

import numpy as np
from scipy.optimize import LinearConstraint, milp
from scipy.sparse import lil_matrix

R_KM = 6371.0088


def haversine(a: dict[str, float], b: dict[str, float]) -> float:
    p1, p2 = math.radians(a["lat"]), math.radians(b["lat"])
    dp, dl = p2 - p1, math.radians(b["lon"] - a["lon"])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R_KM * math.asin(math.sqrt(min(1.0, h)))


COLOURS = {"red": 4.0, "orange": 3.0, "yellow": 2.0, "green": 1.0}


def derived_arcs(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Candidates and values by the README's rules, pair by pair."""
    arcs = []
    for n in doc["needs"]:
        for o in doc["offers"]:
            if n.get("category") != o.get("category"):
                continue
            if not set(n.get("skills", [])) <= set(o.get("skills", [])):
                continue
            d = None
            if n.get("location") and o.get("location"):
                d = haversine(n["location"], o["location"])
                if o.get("radius_km") is not None and d > o["radius_km"]:
                    continue
            w = n.get("weight")
            if w is None:
                w = COLOURS.get(n.get("colour"), 1.0) if n.get("colour") else 1.0
            rep = o.get("reputation")
            rep = 3.0 if rep is None else rep
            dd = 10.0 if d is None else d
            value = w / (1 + dd / 10.0) * (1 + 0.1 * min(max(rep, 0.0), 5.0) / 5.0)
            arcs.append({"need": n["id"], "offer": o["id"], "value": round(value, 6), "load": 1})
    return arcs


def check_allocation(doc: dict[str, Any], sol: dict[str, Any]) -> None:
    """Every rule of the contract that a solution document must obey."""
    assert sol["kind"] == "allocation"
    if sol["status"] not in ("optimal", "feasible"):
        assert "assignments" not in sol
        return
    arcs = doc["arcs"] if "arcs" in doc else derived_arcs(doc)
    by_pair = {(a["need"], a["offer"]): a for a in arcs}
    needs = {n["id"]: n for n in doc["needs"]}
    offers = {o["id"]: o for o in doc["offers"]}
    served: dict[str, int] = {}
    rows_of: dict[str, int] = {}
    load: dict[str, int] = {}
    total = 0.0
    for r in sol["assignments"]:
        arc = by_pair[(r["need"], r["offer"])]
        q = r["quantity"]
        assert isinstance(q, int) and q > 0
        assert abs(r["value"] - arc["value"]) <= 1e-9 * max(1, abs(arc["value"]))
        assert r["reasons"] and all(isinstance(x, str) for x in r["reasons"])
        n = needs[r["need"]]
        served[n["id"]] = served.get(n["id"], 0) + q
        rows_of[n["id"]] = rows_of.get(n["id"], 0) + 1
        load[r["offer"]] = load.get(r["offer"], 0) + arc.get("load", 1) * q
        total += arc["value"] * q
    for nid, n in needs.items():
        got = served.get(nid, 0)
        assert got <= n["quantity"]
        if not n.get("splittable", True) and got:
            assert rows_of[nid] == 1 and got == n["quantity"], f"{nid} split"
        if n.get("required"):
            assert got == n["quantity"], f"required {nid} short"
    for oid, used in load.items():
        assert used <= offers[oid]["capacity"], f"{oid} over capacity"
    assert math.isclose(sol["objective"], total, rel_tol=1e-9, abs_tol=1e-9)
    assert sol["bound"] >= sol["objective"] - 1e-9 * max(1.0, abs(total))
    short = {
        nid: n["quantity"] - served.get(nid, 0) for nid, n in needs.items() if n["quantity"] - served.get(nid, 0) > 0
    }
    assert {u["need"]: u["quantity"] for u in sol["unmatched"]} == short
    assert all(u["reason"] for u in sol["unmatched"])


def _solve(c: np.ndarray, a: lil_matrix, lb: list[float], ub: list[float], upper: np.ndarray) -> float | None:
    """Maximise c.x over integers 0 <= x <= upper subject to lb <= A x <= ub."""
    if len(c) == 0:
        return 0.0 if all(lo <= 0 <= hi for lo, hi in zip(lb, ub, strict=True)) else None
    cons = [LinearConstraint(a.tocsr(), lb, ub)] if a.shape[0] else []
    res = milp(
        -c,
        constraints=cons,
        integrality=np.ones(len(c)),
        bounds=(np.zeros(len(c)), upper),
        options={"mip_rel_gap": 1e-9},
    )
    if res.status == 2:
        return None
    assert res.status == 0, res.message
    return -float(res.fun)


def optimum_allocation(doc: dict[str, Any]) -> float | None:
    arcs = doc["arcs"] if "arcs" in doc else derived_arcs(doc)
    needs = {n["id"]: k for k, n in enumerate(doc["needs"])}
    offers = {o["id"]: k for k, o in enumerate(doc["offers"])}
    nn, no, na = len(needs), len(offers), len(arcs)
    a = lil_matrix((nn + no, na))
    c = np.zeros(na)
    upper = np.zeros(na)
    for k, arc in enumerate(arcs):
        n = doc["needs"][needs[arc["need"]]]
        q = n["quantity"]
        if n.get("splittable", True):
            c[k], upper[k] = arc["value"], q
            a[needs[arc["need"]], k] = 1
            a[nn + offers[arc["offer"]], k] = arc.get("load", 1)
        else:  # binary: the whole quantity on this arc
            c[k], upper[k] = arc["value"] * q, 1
            a[needs[arc["need"]], k] = q
            a[nn + offers[arc["offer"]], k] = arc.get("load", 1) * q
    lb = [float(n["quantity"]) if n.get("required") else 0.0 for n in doc["needs"]] + [0.0] * no
    ub = [float(n["quantity"]) for n in doc["needs"]] + [float(o["capacity"]) for o in doc["offers"]]
    return _solve(c, a, lb, ub, upper)


def twin_arcs(doc: dict[str, Any]) -> list[dict[str, Any]]:
    if "arcs" in doc:
        return doc["arcs"]
    arcs = []
    for c in doc["communities"]:
        for h in doc["helpers"]:
            fit = sum(w * h.get("strength", {}).get(k, 0.0) for k, w in c.get("weakness", {}).items())
            d = 10.0
            if c.get("location") and h.get("location"):
                d = haversine(c["location"], h["location"])
            v = fit / (1 + d / 10.0) + (0.5 if h["id"] in c.get("current_helpers", []) else 0.0)
            arcs.append({"community": c["id"], "helper": h["id"], "value": round(v, 6)})
    return arcs


def optimum_twinning(doc: dict[str, Any]) -> float | None:
    arcs = twin_arcs(doc)
    cs = {c["id"]: k for k, c in enumerate(doc["communities"])}
    hs = {h["id"]: k for k, h in enumerate(doc["helpers"])}
    a = lil_matrix((len(cs) + len(hs), len(arcs)))
    for k, arc in enumerate(arcs):
        a[cs[arc["community"]], k] = 1
        a[len(cs) + hs[arc["helper"]], k] = 1
    lb = [float(c.get("min_helpers", 0)) for c in doc["communities"]] + [0.0] * len(hs)
    ub = [float(c.get("max_helpers", 1)) for c in doc["communities"]] + [
        float(h.get("capacity", 1)) for h in doc["helpers"]
    ]
    return _solve(np.array([a_["value"] for a_ in arcs], float), a, lb, ub, np.ones(len(arcs)))


def check_twinning(doc: dict[str, Any], sol: dict[str, Any]) -> None:
    if sol["status"] not in ("optimal", "feasible"):
        return
    arcs = {(a["community"], a["helper"]): a["value"] for a in twin_arcs(doc)}
    got: dict[str, int] = {}
    used: dict[str, int] = {}
    pairs = set()
    for r in sol["assignments"]:
        key = (r["community"], r["helper"])
        assert key in arcs and key not in pairs
        pairs.add(key)
        got[key[0]] = got.get(key[0], 0) + 1
        used[key[1]] = used.get(key[1], 0) + 1
    for c in doc["communities"]:
        assert c.get("min_helpers", 0) <= got.get(c["id"], 0) <= c.get("max_helpers", 1)
    for h in doc["helpers"]:
        assert used.get(h["id"], 0) <= h.get("capacity", 1)
    # derived values are rounded to 1e-6, so a pair may differ from this reference by 1e-6
    assert math.isclose(sol["objective"], sum(arcs[p] for p in pairs), rel_tol=1e-6, abs_tol=1e-5)


def _t(s: str) -> float:
    return datetime.fromisoformat(s).timestamp()


def roster_pairs(doc: dict[str, Any]) -> list[tuple[str, str, float]]:
    listed = None if "arcs" not in doc else {(a["volunteer"], a["shift"]): a["value"] for a in doc["arcs"]}
    out = []
    for v in doc["volunteers"]:
        for s in doc["shifts"]:
            if listed is not None and (v["id"], s["id"]) not in listed:
                continue
            if not set(s.get("skills", [])) <= set(v.get("skills", [])):
                continue
            wins = v.get("available")
            if wins is not None and not any(
                _t(w["start"]) <= _t(s["start"]) and _t(s["end"]) <= _t(w["end"]) for w in wins
            ):
                continue
            hours = (_t(s["end"]) - _t(s["start"])) / 3600
            if v.get("max_hours") is not None and hours > v["max_hours"] + 1e-9:
                continue
            out.append((v["id"], s["id"], 1.0 if listed is None else listed[(v["id"], s["id"])]))
    return out


def check_roster(doc: dict[str, Any], sol: dict[str, Any]) -> None:
    if sol["status"] not in ("optimal", "feasible"):
        return
    ok = {(v, s): val for v, s, val in roster_pairs(doc)}
    shifts = {s["id"]: s for s in doc["shifts"]}
    vols = {v["id"]: v for v in doc["volunteers"]}
    per_vol: dict[str, list[str]] = {}
    per_shift: dict[str, int] = {}
    for r in sol["assignments"]:
        assert (r["volunteer"], r["shift"]) in ok, "not eligible"
        per_vol.setdefault(r["volunteer"], []).append(r["shift"])
        per_shift[r["shift"]] = per_shift.get(r["shift"], 0) + 1
    for sid, s in shifts.items():
        assert s.get("min_filled", 0) <= per_shift.get(sid, 0) <= s["slots"]
    for vid, ss in per_vol.items():
        assert len(set(ss)) == len(ss)
        spans = sorted((_t(shifts[s]["start"]), _t(shifts[s]["end"])) for s in ss)
        for (_, e1), (s2, _) in itertools.pairwise(spans):
            assert s2 >= e1, f"{vid} on overlapping shifts"
        hours = sum(e - s for s, e in spans) / 3600
        if vols[vid].get("max_hours") is not None:
            assert hours <= vols[vid]["max_hours"] + 1e-9
    total = sum(ok[(r["volunteer"], r["shift"])] for r in sol["assignments"])
    assert math.isclose(sol["objective"], total, rel_tol=1e-9, abs_tol=1e-9)


def optimum_roster(doc: dict[str, Any]) -> float | None:
    pairs = roster_pairs(doc)
    shifts = {s["id"]: k for k, s in enumerate(doc["shifts"])}
    rows: list[tuple[list[int], float, float]] = []
    for sid, k in shifts.items():
        s = doc["shifts"][k]
        rows.append(([i for i, p in enumerate(pairs) if p[1] == sid], float(s.get("min_filled", 0)), float(s["slots"])))
    for v in doc["volunteers"]:
        mine = [i for i, p in enumerate(pairs) if p[0] == v["id"]]
        for x in mine:
            for y in mine:
                if x < y:
                    a, b = doc["shifts"][shifts[pairs[x][1]]], doc["shifts"][shifts[pairs[y][1]]]
                    if _t(a["start"]) < _t(b["end"]) and _t(b["start"]) < _t(a["end"]):
                        rows.append(([x, y], 0.0, 1.0))
    a = lil_matrix((len(rows) + len(doc["volunteers"]), len(pairs)))
    lb, ub = [], []
    for r, (cols, lo, hi) in enumerate(rows):
        for col in cols:
            a[r, col] = 1
        lb.append(lo)
        ub.append(hi)
    for j, v in enumerate(doc["volunteers"]):
        for i, p in enumerate(pairs):
            if p[0] == v["id"]:
                s = doc["shifts"][shifts[p[1]]]
                a[len(rows) + j, i] = (_t(s["end"]) - _t(s["start"])) / 3600
        lb.append(0.0)
        ub.append(float(v["max_hours"]) if v.get("max_hours") is not None else 1e9)
    return _solve(np.array([p[2] for p in pairs], float), a, lb, ub, np.ones(len(pairs)))
