"""The simple ranked rule, for comparison on the result page: most urgent colour first (then the
earliest respond-by), each need takes the nearest eligible offers that still have room. It uses the
same eligibility as the matcher's derived candidates (category, unit, item, skills, radius)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import matching
from matching.units import compatible

COLOUR_RANK = {"red": 0, "orange": 1, "yellow": 2, "green": 3}


def _km(a: matching.Location | None, b: matching.Location | None) -> float:
    if a is None or b is None:
        return math.nan
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def eligible(need: matching.Need, offer: matching.Offer) -> tuple[bool, float]:
    if need.category != offer.category or not set(need.skills) <= set(offer.skills):
        return False, math.nan
    if not compatible(need.unit, need.item, offer.unit, offer.item):
        return False, math.nan
    d = _km(need.location, offer.location)
    if offer.radius_km is not None and not math.isnan(d) and d > offer.radius_km:
        return False, d
    return True, d


def ranked_rule(problem: matching.AllocationProblem, need_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What the ranked rule would serve: {"served": {colour: qty}, "needs_served": n, "quantity": q}."""
    by_id = {f"n{r['id']}": r for r in need_rows}
    far = datetime.max.replace(tzinfo=None)

    def rank(n: matching.Need) -> tuple:
        row = by_id.get(n.id, {})
        due = row.get("respond_by")
        return (COLOUR_RANK.get(n.colour or "", 9), due.replace(tzinfo=None) if due else far, n.id)

    room = {o.id: o.capacity for o in problem.offers}
    served: dict[str, int] = {c: 0 for c in COLOUR_RANK}
    needs_served = 0
    for need in sorted(problem.needs, key=rank):
        options = []
        for offer in problem.offers:
            ok, d = eligible(need, offer)
            if ok:
                options.append((d if not math.isnan(d) else math.inf, offer.id))
        options.sort()
        got = 0
        if need.splittable:
            for _, oid in options:
                take = min(room[oid], need.quantity - got)
                if take > 0:
                    room[oid] -= take
                    got += take
                if got == need.quantity:
                    break
        else:
            for _, oid in options:
                if room[oid] >= need.quantity:
                    room[oid] -= need.quantity
                    got = need.quantity
                    break
        # counted in needs served in full, like the run's coverage (quantities of different units don't add)
        if need.colour in served:
            served[need.colour] += int(got == need.quantity)
        needs_served += int(got == need.quantity)
    return {"served": served, "needs_served": needs_served, "quantity": needs_served}
