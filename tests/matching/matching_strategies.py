"""Hypothesis strategies: small random instances of each kind, as contract JSON documents."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

CATS = ["food", "elder_care"]
SKILLS = ["nursing", "driving", "first_aid"]


@st.composite
def allocation_with_arcs(draw: st.DrawFn, unsplittable: bool = False, loads: bool = False) -> dict[str, Any]:
    nn = draw(st.integers(1, 7))
    no = draw(st.integers(1, 4))
    needs = []
    for i in range(nn):
        split = not (unsplittable and draw(st.booleans()))
        needs.append(
            {
                "id": f"n{i}",
                "quantity": draw(st.integers(0, 6)),
                "splittable": split,
                "required": draw(st.integers(0, 5)) == 0,
            }
        )
    offers = [{"id": f"o{j}", "capacity": draw(st.integers(0, 12))} for j in range(no)]
    arcs = []
    for i in range(nn):
        for j in range(no):
            if draw(st.integers(0, 2)) == 0:
                continue
            load = draw(st.integers(1, 3)) if loads and not needs[i]["splittable"] else 1
            value = draw(st.one_of(st.integers(-3, 20), st.floats(-2.0, 20.0).map(lambda v: round(v, 3))))
            arcs.append({"need": f"n{i}", "offer": f"o{j}", "value": value, "load": load})
    return {"kind": "allocation", "needs": needs, "offers": offers, "arcs": arcs, "options": {"time_limit_s": 5}}


def _loc(draw: st.DrawFn) -> dict[str, float] | None:
    if draw(st.integers(0, 5)) == 0:
        return None
    return {"lat": round(35.0 + draw(st.floats(0, 0.2)), 4), "lon": round(117.0 + draw(st.floats(0, 0.2)), 4)}


@st.composite
def allocation_derived(draw: st.DrawFn) -> dict[str, Any]:
    nn = draw(st.integers(1, 8))
    no = draw(st.integers(1, 5))
    needs = []
    for i in range(nn):
        need: dict[str, Any] = {
            "id": f"n{i}",
            "quantity": draw(st.integers(0, 5)),
            "splittable": draw(st.integers(0, 3)) > 0,
            "category": draw(st.sampled_from(CATS)),
            "skills": draw(st.lists(st.sampled_from(SKILLS), max_size=1, unique=True)),
        }
        loc = _loc(draw)
        if loc:
            need["location"] = loc
        pick = draw(st.integers(0, 2))
        if pick == 0:
            need["weight"] = draw(st.integers(1, 4))
        elif pick == 1:
            need["colour"] = draw(st.sampled_from(["red", "orange", "yellow", "green"]))
        needs.append(need)
    offers = []
    for j in range(no):
        offer: dict[str, Any] = {
            "id": f"o{j}",
            "capacity": draw(st.integers(0, 10)),
            "category": draw(st.sampled_from(CATS)),
            "skills": draw(st.lists(st.sampled_from(SKILLS), max_size=3, unique=True)),
        }
        loc = _loc(draw)
        if loc:
            offer["location"] = loc
            if draw(st.booleans()):
                offer["radius_km"] = draw(st.sampled_from([3.0, 8.0, 15.0]))
        if draw(st.booleans()):
            offer["reputation"] = draw(st.sampled_from([1.0, 3.5, 5.0]))
        offers.append(offer)
    return {"kind": "allocation", "needs": needs, "offers": offers, "options": {"time_limit_s": 5}}


@st.composite
def twinning(draw: st.DrawFn, explicit: bool = False) -> dict[str, Any]:
    nc = draw(st.integers(1, 6))
    nh = draw(st.integers(1, 5))
    dims = ["staff_load", "funding_gap", "facility_gap"]
    comms = []
    for i in range(nc):
        lo = draw(st.integers(0, 2)) if draw(st.integers(0, 3)) == 0 else 0
        comms.append(
            {
                "id": f"c{i}",
                "min_helpers": lo,
                "max_helpers": lo + draw(st.integers(0, 2)),
                "current_helpers": draw(st.lists(st.sampled_from([f"h{j}" for j in range(nh)]), max_size=1)),
                "weakness": {k: draw(st.sampled_from([0.0, 0.3, 0.8])) for k in dims},
            }
        )
        loc = _loc(draw)
        if loc:
            comms[-1]["location"] = loc
    helpers = []
    for j in range(nh):
        helpers.append(
            {
                "id": f"h{j}",
                "capacity": draw(st.integers(0, 3)),
                "strength": {k: draw(st.sampled_from([0.1, 0.5, 0.9])) for k in dims},
            }
        )
        loc = _loc(draw)
        if loc:
            helpers[-1]["location"] = loc
    doc: dict[str, Any] = {"kind": "twinning", "communities": comms, "helpers": helpers}
    if explicit:
        doc["arcs"] = [
            {"community": c["id"], "helper": h["id"], "value": draw(st.integers(-2, 9))}
            for c in comms
            for h in helpers
            if draw(st.booleans())
        ]
    return doc


def _ts(hour: int) -> str:
    return f"2026-12-05T{hour:02d}:00:00+08:00"


@st.composite
def roster(draw: st.DrawFn) -> dict[str, Any]:
    ns = draw(st.integers(1, 6))
    nv = draw(st.integers(1, 5))
    shifts = []
    for i in range(ns):
        start = draw(st.integers(8, 18))
        end = start + draw(st.integers(1, 4))
        slots = draw(st.integers(0, 3))
        shifts.append(
            {
                "id": f"s{i}",
                "start": _ts(start),
                "end": _ts(end),
                "slots": slots,
                "min_filled": draw(st.integers(0, slots)) if draw(st.integers(0, 4)) == 0 else 0,
                "skills": draw(st.lists(st.sampled_from(SKILLS[:2]), max_size=1)),
            }
        )
    vols = []
    for j in range(nv):
        v: dict[str, Any] = {
            "id": f"v{j}",
            "skills": draw(st.lists(st.sampled_from(SKILLS[:2]), max_size=2, unique=True)),
        }
        if draw(st.booleans()):
            v["max_hours"] = draw(st.integers(1, 8))
        if draw(st.integers(0, 3)) > 0:
            a = draw(st.integers(7, 14))
            v["available"] = [{"start": _ts(a), "end": _ts(a + draw(st.integers(2, 9)))}]
        vols.append(v)
    doc: dict[str, Any] = {"kind": "roster", "shifts": shifts, "volunteers": vols}
    if draw(st.booleans()):
        doc["arcs"] = [
            {"volunteer": v["id"], "shift": s["id"], "value": draw(st.integers(-1, 5))}
            for v in vols
            for s in shifts
            if draw(st.integers(0, 3)) > 0
        ]
    return doc
