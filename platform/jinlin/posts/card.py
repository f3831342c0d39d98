"""挂牌上岗: the public duty card of a grid, compound or building, and its QR code.

What the public sees (minimum necessary): the area's path, each post with the holder's name, optional
photo and department, the phone masked (138****5678), service hours, the community's open calls and
upcoming activities. The full phone (a "call" button) is only in the page of a logged-in person whose
duty covers the area (staff of the area's community, street or county); a holder also sees their own.
Notes on posts, accounts and every other personal field are never on the card.
"""

from __future__ import annotations

import io
from typing import Any

import segno

from jinlin.activities.tables import Activity, Shift
from jinlin.areas.tables import Area
from jinlin.auth.principal import Principal
from jinlin.calls.tables import Call
from jinlin.core import clock
from jinlin.core.errors import NotFound
from jinlin.orgs.tables import Organization
from jinlin.posts import policy, service
from jinlin.posts.tables import Post

# The posts shown on a card, from the area itself up to its community (who serves here).
SHOWN_ABOVE = {"building": ("compound", "grid", "community"), "compound": ("grid", "community"), "grid": ("community",)}


def card_path(area_id: int) -> str:
    return f"/cards/{area_id}"


def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


def qr_svg(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", border=4, xmldecl=False, omitsize=True)
    return buffer.getvalue()


async def card_area(area_id: int) -> dict[str, Any]:
    area = await Area.select().where(Area.id == area_id).first()
    if area is None or area["level"] not in service.CARD_LEVELS:
        raise NotFound("No duty card for this area")
    return area


async def duty_card(maybe_principal: Principal | None, area_id: int) -> dict[str, Any]:
    """Everything the card shows; phones unmasked only for the people ``sees_phone`` allows."""
    area = await card_area(area_id)
    ids = [int(p) for p in area["path"].strip("/").split("/") if p]
    path = {r["id"]: r for r in await Area.select(Area.id, Area.name, Area.level, Area.path).where(Area.id.is_in(ids))}
    crumbs = [path[i] for i in ids if i in path]
    shown_ids = [area_id] + [c["id"] for c in crumbs if c["level"] in SHOWN_ABOVE[area["level"]]]
    rows = (
        await Post.select(*service._columns())
        .where(Post.area.is_in(shown_ids) & Post.ends_at.is_null())
        .order_by(Post.id)
    )
    pol = await policy.policy(ids[0])
    groups = []
    for level_area in [area, *reversed([c for c in crumbs if c["id"] in shown_ids[1:]])]:
        posts = [service.to_out(maybe_principal, r, pol) for r in rows if r["area"] == level_area["id"]]
        posts.sort(key=lambda p: list(service.KIND_LABELS).index(p.kind))
        groups.append({"area": level_area, "posts": posts})
    community = next((c for c in crumbs if c["level"] == "community"), None)
    calls: list[dict[str, Any]] = []
    activities: list[dict[str, Any]] = []
    if community is not None:
        org_ids = [
            o["id"]
            for o in await Organization.select(Organization.id).where(
                (Organization.area == community["id"]) & (Organization.kind == "community")
            )
        ]
        if org_ids:
            calls = (
                await Call.select(Call.id, Call.title, Call.respond_by)
                .where(Call.issuer_id.is_in(org_ids) & (Call.status == "open"))
                .order_by(Call.id, ascending=False)
                .limit(5)
            )
        upcoming = (
            await Shift.select(Shift.activity, Shift.starts_at)
            .where(
                Shift.activity.area.path.like(f"{community['path']}%")
                & (Shift.activity.status == "published")
                & (Shift.starts_at >= clock.now())
            )
            .order_by(Shift.starts_at)
            .limit(20)
        )
        first: dict[int, Any] = {}
        for s in upcoming:
            first.setdefault(s["activity"], s["starts_at"])
        if first:
            titles = {
                a["id"]: a["title"]
                for a in await Activity.select(Activity.id, Activity.title).where(Activity.id.is_in(list(first)))
            }
            activities = [{"id": i, "title": titles.get(i, ""), "starts_at": t} for i, t in list(first.items())[:5]]
    text = {"service_hours": "", "notice": ""}
    for level_area in [area, *reversed(crumbs)]:  # a building without its own text shows its grid's
        text = await service.card_text(level_area["id"])
        if text["service_hours"] or text["notice"] or level_area["level"] == "grid":
            break
    return {
        "area": area,
        "crumbs": crumbs,
        "groups": groups,
        "text": text,
        "calls": calls,
        "activities": activities,
        "report_href": f"/report/{area_id}",
        "can_edit": maybe_principal is not None and service.can_staff(maybe_principal, area["path"]),
    }
