"""The simple ranked rule, for comparison on the result page: most urgent colour first (then the
earliest respond-by), each need takes the nearest eligible offers that still have room. It uses the
same eligibility as the matcher's derived candidates (category, unit, item, skills, radius)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Set as AbstractSet
from datetime import datetime
from itertools import chain
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
    return _eligible(need, set(need.skills), offer, set(offer.skills), {})


def _eligible(
    need: matching.Need,
    need_skills: AbstractSet[str],
    offer: matching.Offer,
    offer_skills: AbstractSet[str],
    agree: dict[tuple[str | None, str | None, str | None, str | None], bool],
) -> tuple[bool, float]:
    if need.category != offer.category or not need_skills <= offer_skills:
        return False, math.nan
    key = (need.unit, need.item, offer.unit, offer.item)
    ok = agree.get(key)
    if ok is None:
        ok = agree[key] = compatible(*key)
    if not ok:
        return False, math.nan
    d = _km(need.location, offer.location)
    if offer.radius_km is not None and not math.isnan(d) and d > offer.radius_km:
        return False, d
    return True, d


def _size(pool: list[list[int]]) -> int:
    return sum(len(members) for members in pool)


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
    # Only offers of the need's category that have one of its skills can be eligible: look them up
    # instead of testing every offer against every need (10 000 x 10 000 pairs for a city).
    # Offers sharing a category and skills (a street's zone tokens) are indexed once, as a group.
    skill_sets: dict[tuple[str, ...], frozenset[str]] = {}
    offer_skills = [skill_sets.setdefault(o.skills, frozenset(o.skills)) for o in problem.offers]
    groups: dict[tuple[str | None, frozenset[str]], list[int]] = defaultdict(list)
    for j, offer in enumerate(problem.offers):
        groups[(offer.category, offer_skills[j])].append(j)
    by_category: dict[str | None, list[list[int]]] = defaultdict(list)
    by_skill: dict[tuple[str | None, str], list[list[int]]] = defaultdict(list)
    for (category, skills), members in groups.items():
        by_category[category].append(members)
        for skill in skills:
            by_skill[(category, skill)].append(members)
    agree: dict[tuple[str | None, str | None, str | None, str | None], bool] = {}  # units and items, memoised
    for need in sorted(problem.needs, key=rank):
        need_skills = frozenset(need.skills)
        if need_skills:
            pools: list[list[list[int]]] = [by_skill.get((need.category, skill), []) for skill in need_skills]
            smallest = min(pools, key=_size)
            maybe = chain.from_iterable(smallest)
        else:
            maybe = chain.from_iterable(by_category.get(need.category, []))
        options = []
        for j in maybe:
            offer = problem.offers[j]
            ok, d = _eligible(need, need_skills, offer, offer_skills[j], agree)
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
