"""The twinning adapter: community and helper profiles of an area → a ``matching`` twinning problem,
and the solution back into proposed Twinning rows for the period (keyed, so never written twice)."""

from __future__ import annotations

from typing import Any

import matching
from jinlin.core import clock
from jinlin.core.db import insert_in_batches
from jinlin.twinning import weakness
from jinlin.twinning.tables import CommunityProfile, HelperProfile, Twinning

STRENGTH_DIMS = {
    "staff_strength": ("staff_load",),
    "funding_strength": ("funding_gap",),
    "facility_strength": ("facility_gap",),
    "service_strength": ("unmet_needs", "response_delay"),
}


def _overlaps(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def _loc(row: dict[str, Any]) -> matching.Location | None:
    return (
        matching.Location(row["lat"], row["lon"]) if row.get("lat") is not None and row.get("lon") is not None else None
    )


def period_of(run: dict[str, Any]) -> int:
    return int((run["options"] or {}).get("period") or clock.now().year)


async def load(run: dict[str, Any]) -> tuple[matching.TwinningProblem, dict[str, Any]]:
    path, period = run["area_path"], period_of(run)
    profiles = (
        await CommunityProfile.select(
            *CommunityProfile.all_columns(),
            CommunityProfile.community_id.area.path.as_alias("path"),
            CommunityProfile.community_id.area.lat.as_alias("lat"),
            CommunityProfile.community_id.area.lon.as_alias("lon"),
            CommunityProfile.community_id.name.as_alias("name"),
        )
        .where(CommunityProfile.community_id.area.path.like(f"{path}%"))
        .order_by(CommunityProfile.community_id)
    )
    computed = await weakness.need_parts([p["community_id"] for p in profiles])
    figures = await weakness.load_figures([p["community_id"] for p in profiles])
    helpers_rows = (
        await HelperProfile.select(
            *HelperProfile.all_columns(),
            HelperProfile.organization_id.area.path.as_alias("path"),
            HelperProfile.organization_id.area.lat.as_alias("lat"),
            HelperProfile.organization_id.area.lon.as_alias("lon"),
            HelperProfile.organization_id.kind.as_alias("kind"),
            HelperProfile.organization_id.name.as_alias("name"),
        )
        .where(HelperProfile.capacity > 0)
        .order_by(HelperProfile.organization_id)
    )
    helpers_rows = [h for h in helpers_rows if _overlaps(h["path"], path)]
    community_ids = [p["community_id"] for p in profiles]
    current: dict[int, list[int]] = {}
    if community_ids:
        for t in await Twinning.select(Twinning.community_id, Twinning.helper_id).where(
            Twinning.community_id.is_in(community_ids) & (Twinning.status == "active") & (Twinning.period >= period - 1)
        ):
            current.setdefault(t["community_id"], []).append(t["helper_id"])
    communities = []
    info = {}
    for p in profiles:
        w = weakness.parts(weakness.with_load(p, figures.get(p["community_id"])), computed.get(p["community_id"], {}))
        communities.append(
            matching.Community(
                id=f"c{p['community_id']}",
                min_helpers=min(p["min_helpers"], p["max_helpers"]),
                max_helpers=p["max_helpers"],
                weakness=w,
                location=_loc(p),
                current_helpers=tuple(f"h{h}" for h in sorted(set(current.get(p["community_id"], [])))),
            )
        )
        info[f"c{p['community_id']}"] = {"id": p["community_id"], "name": p["name"], "index": weakness.index(w)}
    helpers = []
    for h in helpers_rows:
        if h["organization_id"] in community_ids:
            continue  # a community is not asked to help itself
        strength: dict[str, float] = {}
        for column, dims in STRENGTH_DIMS.items():
            for d in dims:
                strength[d] = float(h[column])
        helpers.append(
            matching.Helper(
                id=f"h{h['organization_id']}",
                capacity=h["capacity"],
                kind=h["kind"],
                strength=strength,
                location=_loc(h),
            )
        )
        info[f"h{h['organization_id']}"] = {"id": h["organization_id"], "name": h["name"]}
    options = matching.Options(time_limit_s=float((run["options"] or {}).get("time_limit_s", 10)), workers=1)
    problem = matching.TwinningProblem(communities=communities, helpers=helpers, options=options)
    return problem, {"period": period, "names": info}


async def save(run: dict[str, Any], summary: dict[str, Any], solution: matching.Solution) -> tuple[int, dict]:
    period = int(summary.get("period") or period_of(run))
    now = clock.now()
    existing = {r["pair_key"] for r in await Twinning.select(Twinning.pair_key).where(Twinning.run_id == run["id"])}
    rows = []
    for a in solution.assignments:
        helper, community = int(a["helper"][1:]), int(a["community"][1:])
        key = f"{period}:{helper}:{community}:run{run['id']}"
        if key in existing:
            continue
        rows.append(
            Twinning(
                helper_id=helper,
                community_id=community,
                period=period,
                status="proposed",
                run_id=run["id"],
                pair_key=key,
                value=a.get("value"),
                reasons=a.get("reasons", []),
                created_at=now,
                updated_at=now,
            )
        )
    if rows:
        await insert_in_batches(Twinning, rows)
    names = summary.get("names", {})
    unmatched = [
        {
            **u,
            "community_id": names.get(u["community"], {}).get("id"),
            "title": names.get(u["community"], {}).get("name"),
        }
        for u in solution.unmatched
    ]
    result = {
        "period": period,
        "unmatched": unmatched,
        "value": solution.objective,
        "weakness": {k: v["index"] for k, v in names.items() if k.startswith("c")},
    }
    return len(existing) + len(rows), result
