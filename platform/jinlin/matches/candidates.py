"""The manual path's ranking: offers that could meet a need, and needs an offer could meet.

Rule: same category, unit and (for goods) item (``matches.compat``), inside the offer's service area (its areas' subtrees or its radius around the
organisation; an offer with neither serves everywhere), enough left; then most urgent colour first,
soonest deadline, and nearest. The optimiser (runs) comes on top of this and does not replace it.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from piccolo.columns.combination import WhereRaw
from piccolo.query import OrderByRaw

from jinlin.areas.tables import Area
from jinlin.auth.principal import Principal
from jinlin.catalog.codes import as_list
from jinlin.catalog.service import COLOUR_RANK
from jinlin.matches.compat import rows_compatible
from jinlin.needs import service as needs
from jinlin.needs.tables import Need
from jinlin.offers import service as offers
from jinlin.offers.tables import Offer


def _km(a: tuple[float | None, float | None], b: tuple[float | None, float | None]) -> float | None:
    if None in a or None in b:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))  # type: ignore[arg-type]
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


async def _areas(ids: set[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    return {a["id"]: a for a in await Area.select().where(Area.id.is_in(list(ids)))}


def _point(area: dict[str, Any] | None) -> tuple[float | None, float | None]:
    return (area["lat"], area["lon"]) if area else (None, None)


def covers(
    offer: dict[str, Any],
    need_area: dict[str, Any],
    service: dict[int, dict[str, Any]],
    org_area: dict[str, Any] | None,
) -> tuple[bool, float | None]:
    ids = [int(i) for i in as_list(offer["service_area_ids"])]
    distance = _km(_point(org_area), _point(need_area))
    if not ids and offer["radius_km"] is None:
        return True, distance
    if any(need_area["path"].startswith(service[i]["path"]) for i in ids if i in service):
        return True, distance
    if offer["radius_km"] is not None and distance is not None and distance <= offer["radius_km"]:
        return True, distance
    return False, distance


async def candidate_offers(principal: Principal, need_id: int, limit: int = 20) -> list[dict[str, Any]]:
    need = await needs.get_visible_row(principal, need_id)
    rows = await Offer.select(*Offer.all_columns(), Offer.organization_id.name, Offer.organization_id.area).where(
        (Offer.category == need["category"]) & (Offer.status == "published") & (Offer.capacity_left > 0)
    )
    service_ids = {int(i) for r in rows for i in as_list(r["service_area_ids"])}
    areas = await _areas(service_ids | {r["organization_id.area"] for r in rows} | {need["area_id"]})
    need_area = areas[need["area_id"]]
    out: list[dict[str, Any]] = []
    for r in rows:
        if not rows_compatible(need, r):
            continue
        ok, distance = covers(r, need_area, areas, areas.get(r["organization_id.area"]))
        if ok:
            out.append({"offer": offers.to_out(r), "distance_km": None if distance is None else round(distance, 1)})
    out.sort(key=lambda c: (c["distance_km"] if c["distance_km"] is not None else 1e9, -c["offer"].capacity_left))
    return out[:limit]


# The order candidate needs are shown in, as SQL (the first two keys of the sort below): most urgent colour,
# soonest resolve-by (none last), then id so that ties come in the same order every time.
_NEED_ORDER = (
    "CASE need.colour "
    + " ".join(f"WHEN '{c}' THEN {r}" for c, r in COLOUR_RANK.items())
    + " ELSE 9 END, need.resolve_by IS NULL, need.resolve_by, need.id"
)
_FIRST_BATCH = 200


def _need_rank(row: dict[str, Any]) -> tuple[int, float]:
    return COLOUR_RANK.get(row["colour"], 9), row["resolve_by"].timestamp() if row["resolve_by"] else math.inf


def _reach_clause(my_offers: list[dict[str, Any]], areas: dict[int, dict[str, Any]]) -> Any:
    """Needs some offer could reach, as far as SQL can tell: per category, the subtrees of the offers' service
    areas — unless one of that category's offers has a radius or serves everywhere (then the whole category;
    ``covers`` decides per need in Python either way)."""
    paths: dict[str, set[str] | None] = {}
    for o in my_offers:
        ids = [int(i) for i in as_list(o["service_area_ids"])]
        bounded = paths.get(o["category"], set())
        if bounded is None or o["radius_km"] is not None or not ids:
            paths[o["category"]] = None
            continue
        paths[o["category"]] = bounded | {areas[i]["path"] for i in ids if i in areas}
    clause: Any = None
    for category, subtrees in sorted(paths.items(), key=lambda kv: kv[0]):
        part: Any = Need.category == category
        if subtrees is not None:
            reach: Any = None
            for path in sorted(subtrees):
                like = Need.area_id.path.like(f"{path}%")
                reach = like if reach is None else reach | like
            if reach is None:  # service areas that no longer exist: nothing is reached
                continue
            part = part & reach
        clause = part if clause is None else clause | part
    return clause


async def candidate_needs(principal: Principal, organization_id: int, limit: int = 30) -> list[dict[str, Any]]:
    """Needs near us that we could meet: across the organisation's published offers.

    A city has tens of thousands of open needs: they are read in the order shown, in growing batches, and
    reading stops once ``limit`` candidates are found and the next need ranks after the last of them (its
    colour and deadline; the distance only breaks ties within those)."""
    my_offers = await Offer.select(*Offer.all_columns(), Offer.organization_id.area).where(
        (Offer.organization_id == organization_id) & (Offer.status == "published") & (Offer.capacity_left > 0)
    )
    if not my_offers:
        return []
    service_ids = {int(i) for o in my_offers for i in as_list(o["service_area_ids"])}
    areas = await _areas(service_ids | {o["organization_id.area"] for o in my_offers})
    reach = _reach_clause(my_offers, areas)
    if reach is None:
        return []
    query = (
        Need.select(*_candidate_columns())
        .where(
            reach
            & Need.status.is_in(["published", "matched", "in_progress"])
            & WhereRaw("need.quantity > need.quantity_matched")
        )
        .order_by(OrderByRaw(_NEED_ORDER))
    )
    found: list[tuple[dict[str, Any], list[dict[str, Any]], float | None]] = []
    offset, batch = 0, _FIRST_BATCH
    while True:
        rows = await query.limit(batch).offset(offset)
        for r in rows:
            if len(found) >= limit and _need_rank(r) > _need_rank(found[limit - 1][0]):
                break
            need_area = {"path": r["area_id.path"], "lat": r["area_id.lat"], "lon": r["area_id.lon"]}
            matching = []
            best = None
            for o in my_offers:
                if not rows_compatible(r, o):
                    continue
                ok, distance = covers(o, need_area, areas, areas.get(o["organization_id.area"]))
                if ok:
                    matching.append(o)
                    best = distance if best is None or (distance is not None and distance < best) else best
            if matching:
                found.append((r, matching, best))
        else:
            if len(rows) == batch:
                offset, batch = offset + batch, batch * 4
                continue
        break
    far = 1e9
    # Sorted on the rows (already in colour and deadline order: this orders ties by distance), and only the
    # ones shown converted.
    found.sort(key=lambda c: (*_need_rank(c[0]), c[2] if c[2] is not None else far))
    return [
        {
            "need": needs.to_out(r),
            "offers": [offers.to_out(o) for o in matching],
            "distance_km": None if best is None else round(best, 1),
        }
        for r, matching, best in found[:limit]
    ]


@cache
def _candidate_columns() -> tuple[Any, ...]:
    # Built once (Piccolo deep-copies columns reached through a foreign key on every access).
    return (*needs._columns(), Need.area_id.lat, Need.area_id.lon)
