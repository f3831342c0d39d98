"""Problem dataclasses back to contract JSON documents (for sending sub-problems to other processes)."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

import msgspec

from .model import AllocationProblem, Location, Offer, Options, Problem, RosterProblem, TwinningProblem


def _loc(loc: Location | None) -> dict[str, float] | None:
    return None if loc is None else {"lat": loc.lat, "lon": loc.lon}


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in d.items() if v is not None}


def _options(o: Options) -> dict[str, Any]:
    return {f.name: getattr(o, f.name) for f in fields(o)}


def _offer(o: Offer) -> dict[str, Any]:
    return _clean(
        {
            "id": o.id,
            "capacity": o.capacity,
            "category": o.category,
            "skills": o.skills,
            "location": _loc(o.location),
            "radius_km": o.radius_km,
            "reputation": o.reputation,
            "provider": o.provider,
            "unit": o.unit,
            "item": o.item,
        }
    )


def dump(problem: Problem) -> dict[str, Any]:
    """The instance document of a problem; ``load(dump(p))`` gives an equal problem."""
    doc: dict[str, Any] = {"kind": problem.kind}
    if isinstance(problem, AllocationProblem):
        doc["needs"] = [
            _clean(
                {
                    "id": n.id,
                    "quantity": n.quantity,
                    "splittable": n.splittable,
                    "required": n.required,
                    "category": n.category,
                    "weight": n.weight,
                    "skills": n.skills,
                    "location": _loc(n.location),
                    "community": n.community,
                    "colour": n.colour,
                    "unit": n.unit,
                    "item": n.item,
                }
            )
            for n in problem.needs
        ]
        doc["offers"] = [_offer(o) for o in problem.offers]
        if problem.reference_offers:
            doc["reference_offers"] = [_offer(o) for o in problem.reference_offers]
        if problem.arcs is not None:
            doc["arcs"] = [msgspec.structs.asdict(a) for a in problem.arcs]
    elif isinstance(problem, TwinningProblem):
        doc["communities"] = [
            _clean(
                {
                    "id": c.id,
                    "min_helpers": c.min_helpers,
                    "max_helpers": c.max_helpers,
                    "current_helpers": c.current_helpers,
                    "weakness": dict(c.weakness),
                    "location": _loc(c.location),
                }
            )
            for c in problem.communities
        ]
        doc["helpers"] = [
            _clean(
                {
                    "id": h.id,
                    "capacity": h.capacity,
                    "kind": h.kind,
                    "strength": dict(h.strength),
                    "location": _loc(h.location),
                }
            )
            for h in problem.helpers
        ]
        if problem.arcs is not None:
            doc["arcs"] = [asdict(a) for a in problem.arcs]
    elif isinstance(problem, RosterProblem):
        doc["shifts"] = [
            _clean(
                {
                    "id": s.id,
                    "start": s.start.isoformat(),
                    "end": s.end.isoformat(),
                    "slots": s.slots,
                    "min_filled": s.min_filled,
                    "skills": s.skills,
                }
            )
            for s in problem.shifts
        ]
        doc["volunteers"] = [
            _clean(
                {
                    "id": v.id,
                    "skills": v.skills,
                    "max_hours": v.max_hours,
                    "available": None
                    if v.available is None
                    else [{"start": w.start.isoformat(), "end": w.end.isoformat()} for w in v.available],
                }
            )
            for v in problem.volunteers
        ]
        if problem.arcs is not None:
            doc["arcs"] = [asdict(a) for a in problem.arcs]
    doc["options"] = _options(problem.options)
    return doc
