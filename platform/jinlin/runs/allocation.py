"""The allocation adapter: published needs and offers of an area → a ``matching`` problem, and the
solution back into proposed matches (``source: run``) with their reasons.

Needs enter with their open quantity (quantity minus what accepted matches reserved, minus what other
live proposals hold), offers with ``capacity_left`` minus what live proposals hold. Unpublished
proposals of earlier runs in the area are superseded by the new run (cancelled when it saves). An
offer's service areas become zone tokens among the skills, so the matcher's own candidate rule
(category, skills, radius) also keeps each offer inside its service areas; the tokens are turned
back into words for people. Reputation is the provider's mean rating score (matching/README.md).
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import matching
from jinlin.areas.tables import Area
from jinlin.core import clock
from jinlin.core.db import batches, insert_rows
from jinlin.matches.compat import goods_item
from jinlin.matches.tables import Match
from jinlin.needs.tables import Need
from jinlin.notifications.service import notify
from jinlin.offers.tables import Offer
from jinlin.ratings.service import reputations as rating_reputations
from jinlin.runs import ranked
from jinlin.runs.tables import MatchRun
from jinlin.runs.unmatched import enrich

COLOURS = ("red", "orange", "yellow", "green")
OPEN_NEED_STATUSES = ("published", "matched", "in_progress")
LIVE_MATCH_STATUSES = ("proposed",)
LIVE_PAIR_STATUSES = ("proposed", "accepted", "in_progress")  # the unique index's "live" (matches migration)
ZONE = "zone:"


# A run over this many needs and offers (a city) does not search with CP-SAT a group whose rounded flow
# relaxation is already within LARGE_RUN_GAP of its bound: at that size CP-SAT spent minutes (and hit its
# wall-clock safety net, so the answer depended on the machine's load) to gain a few hundredths of a
# percent. The run then says ``feasible`` with its bound (bench/README.md, "City benchmark").
LARGE_RUN = 5_000
LARGE_RUN_GAP = 0.01


# Only the columns a run reads (whole rows took seconds to convert at city size).
NEED_COLUMNS = (
    Need.id,
    Need.title,
    Need.quantity,
    Need.quantity_matched,
    Need.splittable,
    Need.category,
    Need.area_id,
    Need.community_id,
    Need.colour,
    Need.unit,
    Need.item,
    Need.respond_by,
)
OFFER_COLUMNS = (
    Offer.id,
    Offer.organization_id,
    Offer.category,
    Offer.skills,
    Offer.capacity_left,
    Offer.service_area_ids,
    Offer.radius_km,
    Offer.unit,
    Offer.item,
    Offer.available_until,
)


def relative_gap(size: int) -> float:
    return LARGE_RUN_GAP if size >= LARGE_RUN else 0.0


def need_key(need_id: int) -> str:
    return f"n{need_id}"


def offer_key(offer_id: int) -> str:
    return f"o{offer_id}"


def _overlaps(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


async def _areas() -> dict[int, dict[str, Any]]:
    rows = await Area.select(Area.id, Area.path, Area.lat, Area.lon, Area.name)
    return {r["id"]: r for r in rows}


def _location(areas: dict[int, dict[str, Any]], area_id: int | None) -> matching.Location | None:
    """The area's point, else its nearest located ancestor's."""
    row = areas.get(area_id) if area_id is not None else None
    while row is not None:
        if row["lat"] is not None and row["lon"] is not None:
            return matching.Location(row["lat"], row["lon"])
        ids = [int(x) for x in row["path"].strip("/").split("/") if x]
        parent = ids[-2] if len(ids) > 1 else None
        row = areas.get(parent) if parent is not None else None
    return None


async def _held_by_live_proposals(run_area_path: str) -> tuple[dict[int, int], dict[int, int], list[int]]:
    """Quantities held by live proposals: (per need, per offer), and the superseded proposal ids."""
    rows = await Match.select(
        Match.id,
        Match.need_id,
        Match.offer_id,
        Match.quantity,
        Match.source,
        Match.run_id,
        Match.community_accepted_at,
        Match.provider_accepted_at,
    ).where(Match.status.is_in(list(LIVE_MATCH_STATUSES)))
    run_ids = {r["run_id"] for r in rows if r["source"] == "run" and r["run_id"] is not None}
    unpublished: dict[int, str] = {}
    if run_ids:
        for r in await MatchRun.select(MatchRun.id, MatchRun.area_path, MatchRun.published_at).where(
            MatchRun.id.is_in(list(run_ids))
        ):
            if r["published_at"] is None:
                unpublished[r["id"]] = r["area_path"]
    need_held: dict[int, int] = defaultdict(int)
    offer_held: dict[int, int] = defaultdict(int)
    superseded: list[int] = []
    for r in rows:
        # A side that already accepted an unpublished proposal keeps it: the new run holds its quantity.
        untouched = r["community_accepted_at"] is None and r["provider_accepted_at"] is None
        if (
            untouched
            and r["source"] == "run"
            and r["run_id"] in unpublished
            and _overlaps(unpublished[r["run_id"]], run_area_path)
        ):
            superseded.append(r["id"])
            continue
        need_held[r["need_id"]] += r["quantity"]
        offer_held[r["offer_id"]] += r["quantity"]
    return need_held, offer_held, superseded


def _zones_under(areas: dict[int, dict[str, Any]], need_areas: list[int]) -> Callable[[list[str]], tuple[int, ...]]:
    """``zones_under(paths)``: the need areas inside any of these area paths, ascending. A prefix range of
    the need areas sorted by path (bisect), remembered per list of paths: offers share their service areas."""
    by_path = sorted((areas[a]["path"], a) for a in need_areas)
    paths = [p for p, _ in by_path]
    seen: dict[tuple[str, ...], tuple[int, ...]] = {}

    def zones_under(serves: list[str]) -> tuple[int, ...]:
        key = tuple(serves)
        hit = seen.get(key)
        if hit is None:
            found: set[int] = set()
            for prefix in serves:
                lo = bisect.bisect_left(paths, prefix)
                hi = lo
                while hi < len(paths) and paths[hi].startswith(prefix):
                    hi += 1
                found.update(a for _, a in by_path[lo:hi])
            hit = seen[key] = tuple(sorted(found))
        return hit

    return zones_under


def _with_zones(
    skills: list[str], zones: Sequence[int], memo: dict[tuple[int, ...], tuple[str, ...]]
) -> tuple[str, ...]:
    """The offer's skills and its zone tokens, sorted (offers with the same zones share the tokens)."""
    key = tuple(zones)
    tokens = memo.get(key)
    if tokens is None:
        tokens = memo[key] = tuple(sorted(f"{ZONE}{a}" for a in key))
    if not skills:
        return tokens
    return tuple(sorted(set(skills) | set(tokens)))


async def reputations(org_ids: list[int]) -> dict[int, float]:
    """Each provider's reputation: the Bayesian average of docs/marketplace.md, so one rating can't
    dominate and a provider nobody has rated yet stands at the prior mean (as on its page)."""
    return {org_id: rep.score for org_id, rep in (await rating_reputations(org_ids)).items()}


async def load(run: dict[str, Any]) -> tuple[matching.AllocationProblem, dict[str, Any]]:
    path = run["area_path"]
    areas = await _areas()
    need_held, offer_held, superseded = await _held_by_live_proposals(path)
    need_rows = (
        await Need.select(*NEED_COLUMNS)
        .where(Need.status.is_in(list(OPEN_NEED_STATUSES)) & Need.area_id.path.like(f"{path}%"))
        .order_by(Need.id)
        .output(load_json=True)
    )
    now = clock.now()
    offer_rows = (
        await Offer.select(*OFFER_COLUMNS, Offer.organization_id.area.as_alias("org_area"))
        .where((Offer.status == "published") & (Offer.capacity_left > 0))
        .order_by(Offer.id)
        .output(load_json=True)
    )
    offer_rows = [o for o in offer_rows if o["available_until"] is None or o["available_until"] >= now]

    needs: list[matching.Need] = []
    demand = {c: 0 for c in COLOURS}
    need_info: dict[str, dict[str, Any]] = {}
    for r in need_rows:
        open_qty = r["quantity"] - r["quantity_matched"] - need_held.get(r["id"], 0)
        if open_qty <= 0:
            continue
        key = need_key(r["id"])
        needs.append(
            matching.Need(
                id=key,
                quantity=open_qty,
                splittable=r["splittable"],
                category=r["category"],
                skills=(f"{ZONE}{r['area_id']}",),
                location=_location(areas, r["area_id"]),
                community=str(r["community_id"]),
                colour=r["colour"],
                unit=r["unit"] or None,
                item=goods_item(r["category"], r["item"]),
            )
        )
        demand[r["colour"]] = demand.get(r["colour"], 0) + 1  # in needs: quantities of different units don't add
        need_info[key] = {
            "id": r["id"],
            "title": r["title"],
            "colour": r["colour"],
            "category": r["category"],
            "community_id": r["community_id"],
            "quantity": open_qty,
        }
    need_areas = sorted({r["area_id"] for r in need_rows})
    zones_under = _zones_under(areas, need_areas)
    every_zone = tuple(need_areas)

    rep = await reputations(sorted({o["organization_id"] for o in offer_rows}))
    zone_tokens: dict[tuple[int, ...], tuple[str, ...]] = {}
    offers: list[matching.Offer] = []
    for o in offer_rows:
        cap = o["capacity_left"] - offer_held.get(o["id"], 0)
        if cap <= 0:
            continue
        serves = [areas[a]["path"] for a in (o["service_area_ids"] or []) if a in areas]
        home = areas.get(o["org_area"])
        if serves:
            if not any(_overlaps(s, path) for s in serves):
                continue
            zones = zones_under(serves)
        else:
            if home is None or not _overlaps(home["path"], path):
                continue
            zones = every_zone
        offers.append(
            matching.Offer(
                id=offer_key(o["id"]),
                capacity=cap,
                category=o["category"],
                skills=_with_zones(o["skills"] or [], zones, zone_tokens),
                location=_location(areas, o["org_area"]),
                radius_km=o["radius_km"],
                reputation=rep.get(o["organization_id"]),
                provider=str(o["organization_id"]),
                unit=o["unit"] or None,
                item=goods_item(o["category"], o["item"]),
            )
        )
    # workers=1: never fork the process the run is in (a web process in the embedded shape).
    options = matching.Options(
        time_limit_s=float(run["options"].get("time_limit_s", 10)),
        workers=1,
        relative_gap=relative_gap(len(needs) + len(offers)),
    )
    problem = matching.AllocationProblem(needs=needs, offers=offers, options=options)
    summary = {
        "demand": demand,
        "needs": need_info,
        "superseded": superseded,
        "ranked": ranked.ranked_rule(problem, need_rows),
    }
    return problem, summary


def _readable(reasons: list[str]) -> list[str]:
    out = []
    for text in reasons:
        if text == "skills covered":
            out.append("in its service area")
        else:
            out.append(text)
    return out


def _readable_unmatched(row: dict[str, Any]) -> dict[str, Any]:
    row = dict(row)
    for key in ("detail",):
        if key in row and ZONE in str(row[key]):
            row[key] = _dezone(str(row[key]))
    helps = row.get("would_help")
    if isinstance(helps, dict):
        helps = dict(helps)
        if helps.get("constraint") == "skills" and ZONE in str(helps.get("detail", "")):
            helps["constraint"] = "service_area"
            helps["detail"] = f"{helps['offer']} does not serve this area"
        row["would_help"] = helps
    for near in row.get("nearest", []) or []:
        near["excluded_by"] = ["service_area" if e == "skills" else e for e in near.get("excluded_by", [])]
    return row


def _dezone(text: str) -> str:
    return text.replace("skills", "service area")


def coverage(demand: dict[str, int], assignments: list[dict[str, Any]], needs: dict[str, dict[str, Any]]) -> dict:
    """Per colour, in needs (never summed quantities: 床 and 斤 don't add up): open needs, needs this run
    serves in full, and needs it serves in part."""
    given: dict[str, int] = {}
    for a in assignments:
        given[a["need"]] = given.get(a["need"], 0) + int(a["quantity"])
    served = {c: 0 for c in COLOURS}
    partly = {c: 0 for c in COLOURS}
    for key, qty in given.items():
        info = needs.get(key, {})
        colour = info.get("colour")
        if colour in served:
            if qty >= int(info.get("quantity", 0)):
                served[colour] += 1
            else:
                partly[colour] += 1
    return {
        c: {
            "demand": demand.get(c, 0),
            "served": served[c],
            "partly": partly[c],
            "share": (served[c] / demand[c]) if demand.get(c) else None,
        }
        for c in COLOURS
    }


async def save(run: dict[str, Any], summary: dict[str, Any], solution: matching.Solution) -> tuple[int, dict]:
    """Write the proposals (inside the run's finishing transaction); a pair already written is skipped."""
    now = clock.now()
    for ids in batches(summary.get("superseded") or []):
        # Conditional: a side that accepted while this run solved keeps its proposal.
        await Match.update({Match.status: "cancelled", Match.ended_at: now, Match.updated_at: now}).where(
            Match.id.is_in(list(ids))
            & (Match.status == "proposed")
            & Match.community_accepted_at.is_null()
            & Match.provider_accepted_at.is_null()
        )
    existing = {
        (r["need_id"], r["offer_id"])
        for r in await Match.select(Match.need_id, Match.offer_id).where(Match.run_id == run["id"])
    }
    need_ids = [int(a["need"][1:]) for a in solution.assignments]
    offer_ids = [int(a["offer"][1:]) for a in solution.assignments]
    communities: dict[int, int] = {}
    for ids in batches(sorted(set(need_ids))):
        communities.update(
            (r["id"], r["community_id"])
            for r in await Need.select(Need.id, Need.community_id).where(Need.id.is_in(list(ids)))
        )
    providers: dict[int, int] = {}
    for ids in batches(sorted(set(offer_ids))):
        providers.update(
            (r["id"], r["organization_id"])
            for r in await Offer.select(Offer.id, Offer.organization_id).where(Offer.id.is_in(list(ids)))
        )
    # A pair with a live match of its own (accepted, in progress, or proposed by hand) can't take a
    # second one (one live match per pair, a unique index): the need's open quantity already leaves out
    # what that match holds, so the proposal is left out too.
    live: set[tuple[int, int]] = set()
    for ids in batches(sorted(set(need_ids))):
        live.update(
            (r["need_id"], r["offer_id"])
            for r in await Match.select(Match.need_id, Match.offer_id, Match.run_id).where(
                Match.need_id.is_in(list(ids)) & Match.status.is_in(list(LIVE_PAIR_STATUSES))
            )
            if r["run_id"] != run["id"]
        )
    rows = []
    for a, need_id, offer_id in zip(solution.assignments, need_ids, offer_ids, strict=True):
        if (need_id, offer_id) in existing or (need_id, offer_id) in live:
            continue
        rows.append(
            {
                "need_id": need_id,
                "offer_id": offer_id,
                "community_id": communities[need_id],
                "provider_id": providers[offer_id],
                "quantity": int(a["quantity"]),
                "source": "run",
                "run_id": run["id"],
                "reasons": _readable(a["reasons"]),
                "status": "proposed",
                "proposed_by": "system",
                "created_at": now,
                "updated_at": now,
            }
        )
    await insert_rows(Match, rows)
    needs = summary.get("needs", {})
    unmatched = []
    for row in solution.unmatched:
        info = needs.get(row["need"], {})
        unmatched.append(
            {
                **_readable_unmatched(row),
                "need_id": info.get("id"),
                "title": info.get("title"),
                "colour": info.get("colour"),
                "category": info.get("category"),
            }
        )
    unmatched = await enrich(unmatched)
    result = {
        "coverage": coverage(summary.get("demand", {}), solution.assignments, needs),
        "unmatched": unmatched,
        "ranked": summary.get("ranked", {}),
        "value": solution.objective,
    }
    return len(existing) + len(rows), result


def is_finite(x: float | None) -> bool:
    return x is not None and math.isfinite(x)


async def publish(run_id: int, now: datetime) -> None:
    """Both sides of each proposed match hear of it; the needs count as responded (限时响应)."""
    matches = await Match.select(
        Match.id, Match.need_id, Match.community_id, Match.provider_id, Match.need_id.title.as_alias("need_title")
    ).where((Match.run_id == run_id) & (Match.status == "proposed"))
    for m in matches:
        params = {"title": m["need_title"]}
        link = f"/matches/{m['id']}"
        for side in ("community_id", "provider_id"):
            # One grouped notice (and one message per channel) per organisation for the whole run.
            await notify(
                kind="match_proposed",
                title="A match was proposed for {title}",
                organization_id=m[side],
                params=params,
                link=link,
                object_type="match",
                object_id=m["id"],
                group_key=f"run:{run_id}",
                group_title="{count} matches were proposed, the first for {title}",
                group_link="/matches?status=proposed",
            )
    for ids in batches(sorted({m["need_id"] for m in matches})):
        await Need.update({Need.responded_at: now}).where(Need.id.is_in(list(ids)) & Need.responded_at.is_null())


async def proposals(run_id: int) -> list[dict[str, Any]]:
    return (
        await Match.select(
            *Match.all_columns(),
            Match.need_id.title.as_alias("need_title"),
            Match.need_id.colour.as_alias("colour"),
            Match.offer_id.title.as_alias("offer_title"),
            Match.provider_id.name.as_alias("provider_name"),
            Match.community_id.name.as_alias("community_name"),
        )
        .where(Match.run_id == run_id)
        .order_by(Match.id)
        .output(load_json=True)
    )
