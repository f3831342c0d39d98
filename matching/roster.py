"""Roster (排班): volunteers <-> activity shifts with CP-SAT.

One boolean per eligible (volunteer, shift) pair: the shift lies inside one of the volunteer's
``available`` windows, the volunteer has the shift's skills, and the shift alone fits ``max_hours``.
Per shift at most ``slots`` and at least ``min_filled``; per volunteer no two overlapping shifts
(one at-most-one per clique of the interval graph) and at most ``max_hours`` in total.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from .flow import integer_scale, scaled
from .model import RosterProblem
from .solution import FEASIBLE, INFEASIBLE, NO_SOLUTION, OPTIMAL, Solution

CP_COEF_TARGET = 1e6
# roster models (many at-most-ones) cost CP-SAT about 3 wall seconds per deterministic second on the
# reference machine, plus the model build; this keeps a 10 s limit near 10 s of wall time
ROSTER_DTIME_PER_S = 0.25
LARGE_MODEL = 20_000  # variables; above it CP-SAT presolve is kept short


def _minutes(problem: RosterProblem) -> tuple[np.ndarray, np.ndarray]:
    start = np.array([s.start.timestamp() for s in problem.shifts], np.float64)
    end = np.array([s.end.timestamp() for s in problem.shifts], np.float64)
    return np.round(start / 60).astype(np.int64), np.round(end / 60).astype(np.int64)


def eligible_pairs(problem: RosterProblem) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
    """(volunteer, shift, value) of every eligible pair, ordered by volunteer then shift, and counts of
    the pairs each rule excluded (for explanations)."""
    shifts, vols = problem.shifts, problem.volunteers
    ns, nv = len(shifts), len(vols)
    s_start, s_end = _minutes(problem)
    dur = s_end - s_start
    vocab = sorted({k for s in shifts for k in s.skills})
    pos = {k: b for b, k in enumerate(vocab)}
    smask = np.zeros((ns, len(vocab)), bool)
    for i, s in enumerate(shifts):
        for k in s.skills:
            smask[i, pos[k]] = True
    vmask = np.zeros((nv, len(vocab)), bool)
    for j, v in enumerate(vols):
        for k in v.skills:
            b = pos.get(k)
            if b is not None:
                vmask[j, b] = True
    skilled = ~np.any(smask[None, :, :] & ~vmask[:, None, :], axis=2) if vocab else np.ones((nv, ns), bool)
    inside = np.zeros((nv, ns), bool)
    for j, v in enumerate(vols):
        if v.available is None:
            inside[j] = True
            continue
        for w in v.available:
            ws, we = round(w.start.timestamp() / 60), round(w.end.timestamp() / 60)
            inside[j] |= (s_start >= ws) & (s_end <= we)
    max_min = np.array([np.inf if v.max_hours is None else v.max_hours * 60 for v in vols], np.float64)
    fits = dur[None, :] <= max_min[:, None] + 1e-9
    if problem.arcs is None:
        listed = np.ones((nv, ns), bool)
        value = np.ones((nv, ns), np.float64)
    else:
        listed = np.zeros((nv, ns), bool)
        value = np.zeros((nv, ns), np.float64)
        sidx = {s.id: i for i, s in enumerate(shifts)}
        vidx = {v.id: j for j, v in enumerate(vols)}
        for a in problem.arcs:
            listed[vidx[a.volunteer], sidx[a.shift]] = True
            value[vidx[a.volunteer], sidx[a.shift]] = a.value
    ok = listed & inside & skilled & fits
    vj, si = np.nonzero(ok)
    excluded = {
        "not_listed": int((~listed).sum()),
        "window": int((listed & ~inside).sum()),
        "skills": int((listed & inside & ~skilled).sum()),
        "max_hours": int((listed & inside & skilled & ~fits).sum()),
    }
    return vj.astype(np.int64), si.astype(np.int64), value[vj, si], excluded


def _cliques(start: np.ndarray, end: np.ndarray) -> list[np.ndarray]:
    """Sets of mutually overlapping shifts (positions into start/end), one per start time, deduplicated."""
    out: list[np.ndarray] = []
    seen: set[tuple[int, ...]] = set()
    for t in np.unique(start).tolist():
        members = np.flatnonzero((start <= t) & (end > t))
        key = tuple(members.tolist())
        if len(members) > 1 and key not in seen:
            seen.add(key)
            out.append(members)
    return out


def solve_roster(problem: RosterProblem, time_limit: float) -> Solution:
    shifts, vols = problem.shifts, problem.volunteers
    ns, nv = len(shifts), len(vols)
    vj, si, val, excluded = eligible_pairs(problem)
    s_start, s_end = _minutes(problem)
    dur = s_end - s_start
    slots = np.array([s.slots for s in shifts], np.int64)
    lo = np.array([s.min_filled for s in shifts], np.int64)
    stats: dict[str, Any] = {"solver": "cp_sat", "shifts": ns, "volunteers": nv, "arcs": len(vj)}
    live = np.flatnonzero((val > 0) | (lo[si] > 0))
    scale, exact = integer_scale(val[live], CP_COEF_TARGET)
    gain = scaled(val[live], scale)

    model = cp_model.CpModel()
    xs = [model.new_bool_var("") for _ in range(len(live))]
    by_shift: dict[int, list[int]] = {}
    by_vol: dict[int, list[int]] = {}
    for k, (j, i) in enumerate(zip(vj[live].tolist(), si[live].tolist(), strict=True)):
        by_vol.setdefault(j, []).append(k)
        by_shift.setdefault(i, []).append(k)
    for i in range(ns):
        ks = by_shift.get(i, [])
        if len(ks) > slots[i]:
            model.add(sum(xs[k] for k in ks) <= int(slots[i]))
        if lo[i] > 0:
            model.add(sum(xs[k] for k in ks) >= int(lo[i]))
    for j, ks in by_vol.items():
        mine = np.array(ks, np.int64)
        shifts_of = si[live][mine]
        for clique in _cliques(s_start[shifts_of], s_end[shifts_of]):
            model.add_at_most_one(xs[int(k)] for k in mine[clique])
        cap = vols[j].max_hours
        if cap is not None and int(dur[shifts_of].sum()) > cap * 60:
            model.add(
                cp_model.LinearExpr.weighted_sum([xs[int(k)] for k in mine], dur[shifts_of].tolist())
                <= math.floor(cap * 60 + 1e-9)
            )
    model.maximize(cp_model.LinearExpr.weighted_sum(xs, gain.tolist()))
    hint = _greedy(vj[live], si[live], gain, slots, lo, s_start, s_end, vols)
    for k, h in enumerate(hint.tolist()):
        model.add_hint(xs[k], bool(h))

    solver = cp_model.CpSolver()
    p = solver.parameters
    if problem.options.cp_workers > 1:
        p.max_time_in_seconds = time_limit
        p.num_workers = problem.options.cp_workers
    else:  # one worker under a deterministic time limit: reproducible; the wall limit is a safety net
        p.max_deterministic_time = time_limit * ROSTER_DTIME_PER_S
        p.max_time_in_seconds = 2 * time_limit + 5
        p.num_workers = 1
    p.random_seed = 7
    if len(xs) > LARGE_MODEL:
        p.cp_model_probing_level = 0
        p.max_presolve_iterations = 1
    code = solver.solve(model)
    greedy_ok = bool(np.all(np.bincount(si[live][hint], minlength=ns) >= lo))
    if code == cp_model.MODEL_INVALID:  # a bug in the model built here, never an infeasible roster
        raise RuntimeError(f"CP-SAT rejected the roster model: {model.validate()}")
    if code == cp_model.INFEASIBLE:
        return Solution("roster", INFEASIBLE, unmatched=_infeasible_rows(problem, si, lo), stats=stats)
    slack = 0.0 if exact else 0.5 * float(slots.sum()) / scale
    # CP-SAT's bound means something only once it has a solution; the shift-by-shift bound always holds
    bound = _shift_bound(si, val, slots)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        bound = min(bound, solver.best_objective_bound / scale + slack)
    chosen = np.zeros(len(vj), bool)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen[live] = np.fromiter((solver.boolean_value(x) for x in xs), bool, len(xs))
        if greedy_ok and int(gain[hint].sum()) > int(gain[chosen[live]].sum()):
            chosen[live], code = hint, cp_model.FEASIBLE
    elif greedy_ok:
        chosen[live], code = hint, cp_model.FEASIBLE
    else:
        return Solution("roster", NO_SOLUTION, bound=bound, stats=stats)
    rows: list[dict[str, Any]] = []
    for a in np.flatnonzero(chosen).tolist():
        s, v = shifts[int(si[a])], vols[int(vj[a])]
        reasons = ["within availability"]
        if s.skills:
            reasons.append(f"skills covered: {', '.join(s.skills)}")
        reasons.append(f"{dur[int(si[a])] / 60:g} h")
        rows.append({"volunteer": v.id, "shift": s.id, "quantity": 1, "value": float(val[a]), "reasons": reasons})
    rows.sort(key=lambda r: (r["shift"], r["volunteer"]))
    objective = math.fsum(r["value"] for r in rows)
    status = OPTIMAL if code == cp_model.OPTIMAL else FEASIBLE
    if status == FEASIBLE and bound - objective <= 1e-9 * max(1.0, abs(objective)):
        status = OPTIMAL
    bound = objective if status == OPTIMAL else max(bound, objective)
    unmatched = _short(problem, vj, si, val, chosen, slots, excluded)
    return Solution("roster", status, objective, bound, rows, unmatched, stats)


def _shift_bound(si: np.ndarray, val: np.ndarray, slots: np.ndarray) -> float:
    """Each shift filled with its best eligible volunteers, ignoring the volunteers' own limits."""
    pos = np.flatnonzero(val > 0)
    order = pos[np.lexsort((-val[pos], si[pos]))]
    if not len(order):
        return 0.0
    first = np.r_[0, np.flatnonzero(np.diff(si[order])) + 1]
    rank = np.arange(len(order)) - np.repeat(first, np.diff(np.r_[first, len(order)]))
    return math.fsum(val[order[rank < slots[si[order]]]].tolist())


def _greedy(
    vj: np.ndarray,
    si: np.ndarray,
    gain: np.ndarray,
    slots: np.ndarray,
    lo: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    vols: list[Any],
) -> np.ndarray:
    """A feasible-if-possible hint: first fill every shift's minimum (shifts with the fewest eligible
    volunteers first), then best pairs first; never a full shift, an overlap or exhausted hours."""
    pick = np.zeros(len(vj), bool)
    filled = np.zeros(len(slots), np.int64)
    busy: dict[int, list[tuple[int, int]]] = {}
    hours = np.zeros(len(vols), np.float64)

    def take(k: int, limit: np.ndarray) -> None:
        i, j = int(si[k]), int(vj[k])
        if pick[k] or filled[i] >= limit[i]:
            return
        s, e = int(start[i]), int(end[i])
        if any(s < be and bs < e for bs, be in busy.get(j, [])):
            return
        cap = vols[j].max_hours
        if cap is not None and hours[j] + (e - s) > cap * 60 + 1e-9:
            return
        pick[k] = True
        filled[i] += 1
        hours[j] += e - s
        busy.setdefault(j, []).append((s, e))

    eligible = np.bincount(si, minlength=len(slots))
    need_min = np.flatnonzero(lo[si] > 0)
    for k in need_min[np.lexsort((-gain[need_min], si[need_min], eligible[si[need_min]]))].tolist():
        take(k, lo)
    for k in np.lexsort((si, vj, -gain)).tolist():
        if gain[k] <= 0:
            break
        take(k, slots)
    return pick


def _infeasible_rows(problem: RosterProblem, si: np.ndarray, lo: np.ndarray) -> list[dict[str, Any]]:
    have = np.bincount(si, minlength=len(problem.shifts))
    rows = []
    for i, s in enumerate(problem.shifts):
        if lo[i] > 0:
            short = have[i] < lo[i]
            rows.append(
                {
                    "shift": s.id,
                    "quantity": int(lo[i]),
                    "reason": "insufficient_capacity" if short else "conflict",
                    "detail": (
                        f"only {have[i]} eligible volunteer(s) for min_filled {lo[i]}"
                        if short
                        else "shifts with min_filled compete for the same volunteers"
                    ),
                }
            )
    return sorted(rows, key=lambda r: r["shift"])


def _short(
    problem: RosterProblem,
    vj: np.ndarray,
    si: np.ndarray,
    val: np.ndarray,
    chosen: np.ndarray,
    slots: np.ndarray,
    excluded: dict[str, int],
) -> list[dict[str, Any]]:
    filled = np.bincount(si[chosen], minlength=len(slots))
    order = np.argsort(si, kind="stable")
    starts = np.searchsorted(si[order], np.arange(len(slots) + 1))
    rows = []
    rule = max(("window", "skills", "max_hours", "not_listed"), key=lambda r: excluded[r])
    for i in np.flatnonzero(filled < slots).tolist():
        s = problem.shifts[i]
        mine = order[starts[i] : starts[i + 1]]
        row: dict[str, Any] = {"shift": s.id, "quantity": int(slots[i] - filled[i])}
        free = mine[~chosen[mine]]
        if not len(mine):
            row.update(reason="no_candidate", detail=f"no volunteer is eligible (most pairs fail the {rule} rule)")
        elif not len(free) or not bool((val[free] > 0).any()):
            row.update(
                reason="not_worth_serving" if len(free) else "no_candidate",
                detail="every eligible volunteer is already on this shift"
                if not len(free)
                else "no further eligible volunteer adds value",
            )
        else:
            names = sorted({problem.volunteers[int(vj[a])].id for a in free})[:3]
            row.update(
                reason="capacity_taken",
                detail="eligible volunteers are on overlapping shifts or out of hours: " + ", ".join(names),
                taken_by=names,
            )
        rows.append(row)
    return sorted(rows, key=lambda r: r["shift"])
