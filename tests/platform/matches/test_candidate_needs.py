"""A unit's candidate needs (the needs page's "near us"): the reach filter and the batched reading in SQL give
exactly what checking every open need in Python gives, in the same order."""

import math
from datetime import timedelta

from factories import make_need, make_offer, make_world, principal
from jinlin.areas.tables import Area
from jinlin.catalog.codes import as_list
from jinlin.catalog.service import COLOUR_RANK
from jinlin.core import clock
from jinlin.matches import candidates
from jinlin.matches.compat import rows_compatible
from jinlin.needs import service as needs
from jinlin.needs.tables import Need
from jinlin.offers.tables import Offer


async def _every_need_checked(organization_id: int) -> list[tuple[int, list[int], float | None]]:
    """The rule read plainly: every open need with quantity left, every published offer, ``covers``."""
    my_offers = await Offer.select(*Offer.all_columns(), Offer.organization_id.area).where(
        (Offer.organization_id == organization_id) & (Offer.status == "published") & (Offer.capacity_left > 0)
    )
    areas = {a["id"]: a for a in await Area.select()}
    found = []
    for r in await needs._select().where(Need.status.is_in(["published", "matched", "in_progress"])):
        if r["quantity"] <= r["quantity_matched"]:
            continue
        matching, best = [], None
        for o in my_offers:
            if not rows_compatible(r, o):
                continue
            ok, distance = candidates.covers(o, areas[r["area_id"]], areas, areas.get(o["organization_id.area"]))
            if ok:
                matching.append(o["id"])
                best = distance if best is None or (distance is not None and distance < best) else best
        if matching:
            found.append((r, matching, best))
    found.sort(
        key=lambda c: (
            COLOUR_RANK.get(c[0]["colour"], 9),
            c[0]["resolve_by"].timestamp() if c[0]["resolve_by"] else math.inf,
            c[2] if c[2] is not None else 1e9,
            c[0]["id"],
        )
    )
    return [(r["id"], m, None if b is None else round(b, 1)) for r, m, b in found]


def _shown(found: list[dict]) -> list[tuple[int, list[int], float | None]]:
    return [(c["need"].id, [o.id for o in c["offers"]], c["distance_km"]) for c in found]


async def test_candidate_needs_are_the_ones_every_need_checked_in_python_gives(client, monkeypatch):
    w = await make_world()
    a = w.areas
    soon = clock.now() + timedelta(days=2)
    # In reach: 社区A's subtree (the bounded elder-care offer), anywhere within 3 km of the enterprise (東街道)
    # for home repair; out of reach: elder care in 社区C, home repair in the west, a filled need, a need in
    # a category the unit does not offer.
    specs = [
        ("admin_a", "comm_a", "elder_care", "red", 0),
        ("admin_a", "grid_a1", "elder_care", "red", 0),  # same colour and deadline: ties broken by distance
        ("admin_a", "grid_a1", "elder_care", "yellow", 5),
        ("admin_a", "comm_a", "elder_care", "orange", 1),
        ("admin_b", "comm_b", "elder_care", "red", 2),  # outside the elder-care offer's area
        ("admin_c", "comm_c", "elder_care", "red", 0),
        ("admin_b", "comm_b", "home_repair", "orange", 3),  # within the radius
        ("admin_b", "grid_b1", "home_repair", "green", 4),
        ("admin_c", "comm_c", "home_repair", "red", 1),  # too far for the radius
        ("admin_a", "grid_a1", "education", "red", 0),  # a category the unit does not offer
    ]
    made = []
    for user, area, category, colour, days in specs:
        made.append(
            await make_need(
                user,
                w.orgs[area.replace("grid_a1", "comm_a").replace("grid_b1", "comm_b")],
                category=category,
                colour=colour,
                area_id=a[area]["id"],
                respond_by=soon,
                resolve_by=soon + timedelta(days=days),
            )
        )
    await Need.update({Need.quantity_matched: Need.quantity}).where(Need.id == made[3].id)  # filled: not shown
    elder = await make_offer("liaison", w.orgs["enterprise"], service_area_ids=[a["comm_a"]["id"]])
    repair = await make_offer("liaison", w.orgs["enterprise"], category="home_repair", radius_km=3.0)
    liaison = await principal("liaison")
    enterprise = w.orgs["enterprise"]["id"]

    everything = await _every_need_checked(enterprise)
    ids = [n for n, _, _ in everything]
    assert set(ids) == {made[i].id for i in (0, 1, 2, 6, 7)}
    assert {n: o for n, o, _ in everything}[made[0].id] == [elder.id]
    assert {n: o for n, o, _ in everything}[made[6].id] == [repair.id]
    for batch in (200, 1, 2):  # growing batches from 1 and 2 read the needs a few at a time
        monkeypatch.setattr(candidates, "_FIRST_BATCH", batch)
        for limit in (1, 2, 3, 30):
            assert _shown(await candidates.candidate_needs(liaison, enterprise, limit=limit)) == everything[:limit]


async def test_an_offer_that_serves_everywhere_makes_its_whole_category_a_candidate(client):
    w = await make_world()
    far = await make_need("admin_c", w.orgs["comm_c"])
    near = await make_need("admin_a", w.orgs["comm_a"])
    await make_offer("liaison", w.orgs["enterprise"], service_area_ids=[w.areas["comm_a"]["id"]])
    everywhere = await make_offer("liaison", w.orgs["enterprise"])
    assert as_list((await Offer.select().where(Offer.id == everywhere.id).first())["service_area_ids"]) == []
    found = await candidates.candidate_needs(await principal("liaison"), w.orgs["enterprise"]["id"])
    assert {c["need"].id for c in found} == {far.id, near.id}
    assert [o.id for c in found if c["need"].id == far.id for o in c["offers"]] == [everywhere.id]
