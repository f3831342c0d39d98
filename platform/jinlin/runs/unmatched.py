"""Why a need went unmatched, and what would help, for people.

The matcher explains in English with its own ids ("no offer qualifies; the nearest, o17 (2.1 km), is
excluded by category"). When a run is saved, ``enrich`` adds the names behind those ids and the values
inside the phrases; ``explain`` puts them together at render time in the viewer's language.
"""

from __future__ import annotations

import re
from typing import Any

from jinlin.core.i18n import gettext, translate
from jinlin.needs.tables import Need
from jinlin.offers.tables import Offer

_CAPACITY = re.compile(r"^(\d+) more capacity at ")
_RADIUS = re.compile(r" is (\d+(?:\.\d+)?) km away, beyond its radius of (\d+(?:\.\d+)?) km$")
_SKILLS = re.compile(r" lacks the skills (.+)$")


def _offer_ids(rows: list[dict[str, Any]]) -> set[int]:
    ids = set()
    for row in rows:
        for near in row.get("nearest") or []:
            ids.add(int(near["offer"][1:]))
        if isinstance(row.get("would_help"), dict):
            ids.add(int(row["would_help"]["offer"][1:]))
    return ids


async def enrich(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add offer and need titles and the values in the matcher's phrases (``o17`` → its title)."""
    offer_ids = _offer_ids(rows)
    offers = (
        {
            r["id"]: r
            for r in await Offer.select(Offer.id, Offer.title, Offer.organization_id.name).where(
                Offer.id.is_in(sorted(offer_ids))
            )
        }
        if offer_ids
        else {}
    )
    need_ids = sorted({int(n[1:]) for row in rows for n in row.get("taken_by") or []})
    needs = (
        {r["id"]: r["title"] for r in await Need.select(Need.id, Need.title).where(Need.id.is_in(need_ids))}
        if need_ids
        else {}
    )

    def offer_name(key: str) -> str:
        o = offers.get(int(key[1:]))
        return f"{o['title']}（{o['organization_id.name']}）" if o else key

    out = []
    for row in rows:
        row = dict(row)
        nearest = row.get("nearest") or []
        if nearest:
            row["nearest_name"] = offer_name(nearest[0]["offer"])
        if row.get("taken_by"):
            row["taken_by_titles"] = [needs.get(int(n[1:]), n) for n in row["taken_by"]]
        helps = row.get("would_help")
        if isinstance(helps, dict):
            helps = dict(helps)
            helps["offer_name"] = offer_name(helps["offer"])
            detail = str(helps.get("detail", ""))
            if m := _CAPACITY.match(detail):
                helps["missing"] = int(m.group(1))
            if m := _RADIUS.search(detail):
                helps["distance_km"], helps["radius_km"] = m.group(1), m.group(2)
            if m := _SKILLS.search(detail):
                helps["lacking"] = [s.strip() for s in m.group(1).split(",")]
            row["would_help"] = helps
        out.append(row)
    return out


def _rules(excluded_by: list[str]) -> str:
    return gettext(", ").join(gettext(f"excluded by {rule}") for rule in excluded_by)


def explain(row: dict[str, Any]) -> str:
    """Why this need was not matched, in the current language."""
    reason = row.get("reason")
    if reason == "no_candidate":
        nearest = row.get("nearest") or []
        if not nearest:
            return gettext("There are no offers to consider.")
        first = nearest[0]
        name = row.get("nearest_name", first["offer"])
        if "distance_km" in first:
            return translate(
                "No offer qualifies. The nearest, {offer} ({km} km away), is ruled out by: {rules}.",
                offer=name,
                km=first["distance_km"],
                rules=_rules(first.get("excluded_by", [])),
            )
        return translate(
            "No offer qualifies. The closest match, {offer}, is ruled out by: {rules}.",
            offer=name,
            rules=_rules(first.get("excluded_by", [])),
        )
    if reason == "capacity_taken":
        titles = row.get("taken_by_titles") or []
        if titles:
            return translate(
                "Its candidate offers went to needs that weigh more: {needs}.", needs=gettext(", ").join(titles)
            )
        return gettext("Its candidate offers are full.")
    fixed = {
        "not_worth_serving": "Every candidate offer is worth nothing for this need (too far or too weak a match).",
        "not_reached": "An offer still has room; the search ran out of time before placing this need.",
        "insufficient_capacity": "Its candidate offers cannot hold the whole quantity even when empty.",
        "conflict": "Required needs compete for the same offers and cannot all be served.",
    }
    return gettext(fixed.get(str(reason), str(row.get("detail", ""))))


def would_help(row: dict[str, Any]) -> str:
    """The one change that would let the need be served, in the current language ('' when none)."""
    helps = row.get("would_help")
    if not isinstance(helps, dict):
        return ""
    name = helps.get("offer_name", helps.get("offer", ""))
    constraint = helps.get("constraint")
    if constraint == "capacity" and "missing" in helps:
        return translate("{n} more capacity at {offer}", n=helps["missing"], offer=name)
    if constraint == "radius" and "radius_km" in helps:
        return translate(
            "{offer} is {km} km away, beyond its service radius of {radius} km",
            offer=name,
            km=helps["distance_km"],
            radius=helps["radius_km"],
        )
    if constraint == "skills" and helps.get("lacking"):
        return translate("{offer} lacks the skills: {skills}", offer=name, skills=gettext(", ").join(helps["lacking"]))
    if constraint == "service_area":
        return translate("{offer} does not serve this area", offer=name)
    if constraint == "category":
        return translate("{offer} offers a different category", offer=name)
    if constraint == "unit":
        return translate("{offer} counts in another unit", offer=name)
    if constraint == "item":
        return translate("{offer} offers another item", offer=name)
    return str(helps.get("detail", ""))
