"""The weakness index of a community (docs/twinning.md): five parts in 0-1, and their weighted sum.

Staff load comes from the area tree's population and the full-time grid workers on post
(``posts.workload``); the profile's hand-typed population and grid workers are used only while the tree
has no population or the community has no full-time grid worker on post yet. Funding gap and facility
gap come from the profile staff keep; the unmet-needs share and the response delay are computed from
the platform's own needs.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from jinlin.core import clock
from jinlin.needs.tables import Need
from jinlin.posts.workload import community_figures

# Residents per grid worker: at or below GOOD the part is 0, at or above BAD it is 1.
STAFF_GOOD, STAFF_BAD = 500.0, 2000.0
FUNDING_FULL = 500_000  # yuan per year: a gap this large (or larger) counts fully
DELAY_FULL_H = 72.0  # mean hours from publishing a need to its first proposal that count fully
WINDOW = timedelta(days=365)
WEIGHTS = {"staff_load": 0.25, "funding_gap": 0.2, "facility_gap": 0.2, "unmet_needs": 0.2, "response_delay": 0.15}


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


def staff_load(population: int, grid_workers: int) -> float:
    if population <= 0:
        return 0.0
    if grid_workers <= 0:
        return 1.0
    return _clamp((population / grid_workers - STAFF_GOOD) / (STAFF_BAD - STAFF_GOOD))


async def need_parts(community_ids: list[int]) -> dict[int, dict[str, float]]:
    """Unmet-needs share and response delay per community, over the last year of its needs."""
    if not community_ids:
        return {}
    since = clock.now() - WINDOW
    rows = await Need.select(
        Need.community_id,
        Need.quantity,
        Need.quantity_matched,
        Need.quantity_done,
        Need.status,
        Need.published_at,
        Need.responded_at,
    ).where(
        Need.community_id.is_in(community_ids)
        & Need.published_at.is_not_null()
        & (Need.published_at >= since)
        & Need.status.not_in(["draft", "cancelled"])
    )
    acc: dict[int, dict[str, float]] = {c: {"q": 0, "met": 0, "delay": 0.0, "n": 0} for c in community_ids}
    for r in rows:
        a = acc[r["community_id"]]
        a["q"] += r["quantity"]
        met = r["quantity"] if r["status"] in ("resolved", "closed") else max(r["quantity_matched"], r["quantity_done"])
        a["met"] += min(met, r["quantity"])
        if r["responded_at"] is not None:
            a["delay"] += (r["responded_at"] - r["published_at"]).total_seconds() / 3600
            a["n"] += 1
        elif r["status"] in ("published", "expired"):
            a["delay"] += DELAY_FULL_H  # never answered counts as fully late
            a["n"] += 1
    out = {}
    for c, a in acc.items():
        out[c] = {
            "unmet_needs": round(_clamp(1 - a["met"] / a["q"]), 4) if a["q"] else 0.0,
            "response_delay": round(_clamp(a["delay"] / a["n"] / DELAY_FULL_H), 4) if a["n"] else 0.0,
        }
    return out


async def load_figures(community_ids: list[int]) -> dict[int, dict[str, int]]:
    """Population and full-time grid workers per community, from the area tree and the posts."""
    return await community_figures(community_ids)


def with_load(profile: dict[str, Any], figures: dict[str, int] | None) -> dict[str, Any]:
    """The profile with its load figures replaced by the tree's and the posts' wherever they are known."""
    out = dict(profile)
    for key in ("population", "grid_workers"):
        if figures and figures.get(key):
            out[key] = figures[key]
    return out


def parts(profile: dict[str, Any], computed: dict[str, float]) -> dict[str, float]:
    return {
        "staff_load": round(staff_load(profile["population"], profile["grid_workers"]), 4),
        "funding_gap": round(_clamp(profile["funding_gap"] / FUNDING_FULL), 4),
        "facility_gap": round(_clamp(profile["facility_gap"]), 4),
        "unmet_needs": computed.get("unmet_needs", 0.0),
        "response_delay": computed.get("response_delay", 0.0),
    }


def index(p: dict[str, float]) -> float:
    return round(sum(WEIGHTS[k] * p.get(k, 0.0) for k in WEIGHTS), 4)


# The parts as the pages name them (English msgids; translated in twinning.po).
LABELS = {
    "staff_load": "staff load",
    "funding_gap": "funding gap",
    "facility_gap": "facility gap",
    "unmet_needs": "unmet needs",
    "response_delay": "response delay",
}
