"""岗位 rules: who may staff which area, assigning and ending posts (history kept), the posts list,
and the duty card's own text (the county's departments and thresholds: ``posts.policy``).

Scope: community admins staff their community and everything below it, street admins their street's
subtree, county admins everywhere. Staff covering an area read its posts; everyone reads their own.
Out-of-scope reads answer 404, out-of-scope writes 403.
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any

from jinlin.accounts.tables import Account
from jinlin.areas.tables import Area
from jinlin.audit.service import diff, record
from jinlin.auth.principal import STAFF_ROLES, Principal
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import Conflict, Forbidden, Invalid, NotFound, WrongStatus
from jinlin.core.pagination import Page, PageRequest, fetch_filtered
from jinlin.core.security import mask_phone
from jinlin.posts.policy import county_of, department_label, policy
from jinlin.posts.schemas import CardIn, PolicyOut, PostIn, PostOut
from jinlin.posts.tables import POST_LEVEL, DutyCard, Post

STAFFING_ROLES = frozenset({"county_admin", "street_admin", "community_admin"})
# Post kinds as the pages name them (English msgids, translated in posts.po).
KIND_LABELS = {
    "grid_chief": "Grid chief",
    "grid_group_leader": "Grid group leader",
    "full_time_grid_worker": "Full-time grid worker",
    "part_time_grid_worker": "Part-time grid worker",
    "compound_party_secretary": "Compound party secretary",
    "building_head": "Building head",
    "department_staff": "Department staff",
}


# -- scope ---------------------------------------------------------------------------------------
def can_staff(principal: Principal, area_path: str) -> bool:
    """Whether ``principal`` may assign and end posts on the area at ``area_path``."""
    return principal.covers_area(area_path, STAFFING_ROLES)


def can_read_area(principal: Principal, area_path: str) -> bool:
    return principal.covers_area(area_path, STAFF_ROLES)


def sees_phone(principal: Principal | None, row: dict[str, Any]) -> bool:
    """Phones are for staff covering the area and for the holder; everyone else sees them masked."""
    if principal is None:
        return False
    return row.get("account") == principal.account_id or can_read_area(principal, row["area_path"])


def _visible_clause(principal: Principal) -> Any | None:
    if principal.is_county_admin:
        return None
    clauses: list[Any] = [Post.area.path.like(f"{p}%") for p in principal.area_paths(STAFF_ROLES)]
    clauses.append(Post.account == principal.account_id)
    return reduce(operator.or_, clauses)


# -- reading -------------------------------------------------------------------------------------
def _columns() -> list[Any]:
    return [
        *Post.all_columns(),
        Post.area.name.as_alias("area_name"),
        Post.area.path.as_alias("area_path"),
        Post.area.level.as_alias("area_level"),
        Post.account.display_name.as_alias("account_name"),
        Post.account.username.as_alias("account_username"),
        Post.account.phone.as_alias("account_phone"),
    ]


def holder_name(row: dict[str, Any]) -> str:
    if row["account"] is not None:
        return row["account_name"] or row["account_username"] or ""
    return row["contact_name"]


def to_out(principal: Principal | None, row: dict[str, Any], pol: PolicyOut | None = None) -> PostOut:
    phone = (row["account_phone"] if row["account"] is not None else row["contact_phone"]) or ""
    shown = sees_phone(principal, row)
    return PostOut(
        id=row["id"],
        area_id=row["area"],
        area_name=row["area_name"] or "",
        area_level=row["area_level"] or "",
        kind=row["kind"],
        department=row["department"],
        department_label=department_label(pol, row["department"]) if pol and row["department"] else row["department"],
        account_id=row["account"],
        holder_name=holder_name(row),
        phone=phone if shown else mask_phone(phone),
        phone_masked=bool(phone) and not shown,
        note=row["note"] if principal is not None else "",
        photo_url=row["photo_url"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        current=row["ends_at"] is None,
    )


async def area_row(area_id: int) -> dict[str, Any]:
    row = await Area.select().where(Area.id == area_id).first()
    if row is None:
        raise NotFound("Area not found")
    return row


async def _post_row(post_id: int) -> dict[str, Any]:
    row = await Post.select(*_columns()).where(Post.id == post_id).first()
    if row is None:
        raise NotFound("Post not found")
    return row


async def get_post(principal: Principal, post_id: int) -> PostOut:
    row = await _post_row(post_id)
    if not (can_read_area(principal, row["area_path"]) or row["account"] == principal.account_id):
        raise NotFound("Post not found")
    return to_out(principal, row, await policy(await county_of(row["area_path"])))


async def list_posts(
    principal: Principal,
    paging: PageRequest | None,
    *,
    area_id: int | None = None,
    kind: str | None = None,
    department: str | None = None,
    account_id: int | None = None,
    status: str = "current",
    exact_area: bool = False,
) -> Page[PostOut]:
    """Posts visible to the caller; ``area_id`` means the whole subtree (only that area with ``exact_area``)."""
    where: list[Any] = []
    visible = _visible_clause(principal)
    if visible is not None:
        where.append(visible)
    pol = None
    if area_id is not None:
        root = await Area.select(Area.path).where(Area.id == area_id).first()
        if root is None:
            raise Invalid("No such area", {"area_id": "no such area"})
        where.append(Post.area == area_id if exact_area else Post.area.path.like(f"{root['path']}%"))
        pol = await policy(await county_of(root["path"]))
    if kind:
        where.append(Post.kind == kind)
    if department:
        where.append(Post.department == department)
    if account_id is not None:
        where.append(Post.account == account_id)
    if status == "current":
        where.append(Post.ends_at.is_null())
    elif status == "ended":
        where.append(Post.ends_at.is_not_null())
    elif status != "all":
        raise Invalid("Unknown status", {"status": "current, ended or all"})
    query = Post.select(*_columns()).order_by(Post.area.path).order_by(Post.kind).order_by(Post.id)
    rows, total = await fetch_filtered(query, Post, where, paging)
    if pol is None:
        pol = await policy(await county_of(rows[0]["area_path"])) if rows else None
    items = [to_out(principal, r, pol) for r in rows]
    return paging.page(items, total) if paging else Page(items=items, next_cursor=None, total=total)


# -- changing ------------------------------------------------------------------------------------
def _check_photo(url: str) -> None:
    if url and not ((url.startswith("/") and not url.startswith("//")) or url.startswith("https://")):
        raise Invalid("The photo must be a site path or an https address", {"photo_url": "site path or https"})


async def validate(data: PostIn, area: dict[str, Any]) -> dict[str, Any]:
    """The row a valid assignment inserts; raises Invalid naming the field otherwise."""
    if POST_LEVEL[data.kind] != area["level"]:
        raise Invalid(
            "This post does not sit on this level of area",
            {"kind": f"a {data.kind} post sits on a {POST_LEVEL[data.kind]}, not a {area['level']}"},
        )
    pol = await policy(await county_of(area["path"]))
    if data.kind == "department_staff":
        if data.department not in {d.code for d in pol.departments}:
            raise Invalid(
                "Choose one of the county's departments", {"department": "not one of the county's departments"}
            )
    elif data.department:
        raise Invalid("Only department staff name a department", {"department": "only for department staff"})
    if (data.account_id is None) == (not data.contact_name.strip()):
        raise Invalid("Name either an account or a contact", {"account_id": "either an account or a contact name"})
    if data.account_id is not None:
        if data.contact_phone:
            raise Invalid("An account holder's phone comes from the account", {"contact_phone": "only for contacts"})
        if not await Account.exists().where((Account.id == data.account_id) & (Account.active == True)):  # noqa: E712
            raise Invalid("No such account", {"account_id": "no such active account"})
    _check_photo(data.photo_url)
    return {
        "area": area["id"],
        "kind": data.kind,
        "department": data.department,
        "account": data.account_id,
        "contact_name": data.contact_name.strip(),
        "contact_phone": data.contact_phone.strip(),
        "note": data.note,
        "photo_url": data.photo_url,
        "starts_at": data.starts_at or clock.now(),
    }


async def insert_post(principal: Principal, values: dict[str, Any]) -> int:
    """Insert one post inside the caller's transaction (the same holder twice on one post is a conflict)."""
    same = (
        (Post.area == values["area"])
        & (Post.kind == values["kind"])
        & (Post.department == values["department"])
        & Post.ends_at.is_null()
    )
    same = same & (
        Post.account == values["account"]
        if values["account"] is not None
        else Post.contact_name == values["contact_name"]
    )
    if await Post.exists().where(same):
        raise Conflict("This person already holds this post here", {"account_id": "already on this post"})
    post = Post(**values, created_by=principal.account_id, created_at=clock.now())
    await post.save()
    logged = {k: v for k, v in values.items() if k != "contact_phone"}  # no phone numbers in the audit log
    await record(principal, "assign", "post", post.id, logged, summary=f"{values['kind']} @ {values['area']}")
    return post.id


async def assign(principal: Principal, data: PostIn, area_id: int | None = None) -> PostOut:
    area_id = area_id if area_id is not None else data.area_id
    if area_id is None:
        raise Invalid("Choose the area", {"area_id": "required"})
    area = await area_row(area_id)
    if not can_staff(principal, area["path"]):
        if not can_read_area(principal, area["path"]):
            raise NotFound("Area not found")
        raise Forbidden("This area is outside what you staff")
    values = await validate(data, area)
    async with write_transaction():
        post_id = await insert_post(principal, values)
    return to_out(principal, await _post_row(post_id), await policy(await county_of(area["path"])))


async def end_post(principal: Principal, post_id: int, note: str = "") -> PostOut:
    """End a post: the row stays, with ``ends_at``, so who held it when remains known."""
    row = await _post_row(post_id)
    if not can_staff(principal, row["area_path"]):
        if not (can_read_area(principal, row["area_path"]) or row["account"] == principal.account_id):
            raise NotFound("Post not found")
        raise Forbidden("This area is outside what you staff")
    async with write_transaction():
        done = (
            await Post.update({Post.ends_at: clock.now()})
            .where((Post.id == post_id) & Post.ends_at.is_null())
            .returning(Post.id)
        )
        if not done:
            raise WrongStatus("The post", "ended", "end")
        await record(
            principal,
            "end",
            "post",
            post_id,
            {"ends_at": [None, clock.now().isoformat()], "note": note},
            summary=f"{row['kind']} @ {row['area_name']}",
        )
    return to_out(principal, await _post_row(post_id), await policy(await county_of(row["area_path"])))


# -- the duty card's own text ---------------------------------------------------------------------
CARD_LEVELS = ("grid", "compound", "building")


async def card_text(area_id: int) -> dict[str, str]:
    row = await DutyCard.select().where(DutyCard.area == area_id).first()
    return {"service_hours": row["service_hours"] if row else "", "notice": row["notice"] if row else ""}


async def update_card(principal: Principal, area_id: int, data: CardIn) -> dict[str, str]:
    area = await area_row(area_id)
    if area["level"] not in CARD_LEVELS:
        raise NotFound("No duty card for this area")
    if not can_staff(principal, area["path"]):
        raise Forbidden("This area is outside what you staff")
    before = await card_text(area_id)
    after = {"service_hours": data.service_hours.strip(), "notice": data.notice.strip()}
    async with write_transaction():
        values: dict[str, Any] = {  # by column name: the same values update a row or make one
            "service_hours": after["service_hours"],
            "notice": after["notice"],
            "updated_by": principal.account_id,
            "updated_at": clock.now(),
        }
        if await DutyCard.exists().where(DutyCard.area == area_id):
            await DutyCard.update(**values).where(DutyCard.area == area_id)
        else:
            await DutyCard.insert(DutyCard(area=area_id, **values))
        await record(principal, "update", "duty_card", area_id, diff(before, after), summary=area["name"])
    return after


async def account_id_for(username: str) -> int:
    """The account a page form names by username."""
    row = (
        await Account.select(Account.id)
        .where((Account.username == username.strip()) & (Account.active == True))  # noqa: E712 (a Piccolo column comparison)
        .first()
    )
    if row is None:
        raise Invalid("No such account", {"username": "no active account with this username"})
    return row["id"]


async def area_posts(
    principal: Principal, paging: PageRequest | None, area_id: int, status: str = "current"
) -> Page[PostOut]:
    """The posts on exactly one area: all of them for staff covering it, a holder's own for the holder."""
    area = await area_row(area_id)
    if can_read_area(principal, area["path"]):
        return await list_posts(principal, paging, area_id=area_id, status=status, exact_area=True)
    own = await list_posts(
        principal, paging, area_id=area_id, account_id=principal.account_id, status=status, exact_area=True
    )
    if not own.total:
        raise NotFound("Area not found")
    return own
