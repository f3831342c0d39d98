"""A county's configuration of posts: its 下沉 departments (code, Chinese and English labels) and the
社区分设 thresholds. County admins change it; every change is audited."""

from __future__ import annotations

from typing import Any

import msgspec

from jinlin.areas.tables import Area
from jinlin.audit.service import diff, record
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.errors import Forbidden, Invalid, NotFound
from jinlin.core.i18n import current_locale
from jinlin.posts.schemas import Department, PolicyIn, PolicyOut
from jinlin.posts.tables import (
    DEFAULT_DEPARTMENTS,
    DEFAULT_SPLIT_POPULATION,
    DEFAULT_SPLIT_RESIDENTS_PER_WORKER,
    PostPolicy,
)

DEFAULT_DEPARTMENT_LABELS = {
    "comprehensive_governance": ("综治", "Comprehensive governance"),
    "civil_affairs": ("民政", "Civil affairs"),
    "urban_management": ("城管", "Urban management"),
    "petitions": ("信访", "Petitions"),
    "market_regulation": ("市场监管", "Market regulation"),
    "health": ("卫生健康", "Health"),
    "emergency_management": ("应急管理", "Emergency management"),
}


async def county_of(area_path: str) -> int:
    return int(area_path.strip("/").split("/")[0])


async def policy(county_id: int) -> PolicyOut:
    row = await PostPolicy.select().where(PostPolicy.county == county_id).output(load_json=True).first()
    departments = [Department(**d) for d in (row["departments"] if row else [])] or [
        Department(code=c, zh=DEFAULT_DEPARTMENT_LABELS[c][0], en=DEFAULT_DEPARTMENT_LABELS[c][1])
        for c in DEFAULT_DEPARTMENTS
    ]
    return PolicyOut(
        county_id=county_id,
        departments=departments,
        split_population=row["split_population"] if row else DEFAULT_SPLIT_POPULATION,
        split_residents_per_worker=row["split_residents_per_worker"] if row else DEFAULT_SPLIT_RESIDENTS_PER_WORKER,
    )


def department_label(pol: PolicyOut, code: str) -> str:
    for d in pol.departments:
        if d.code == code:
            return d.zh if current_locale.get() == "zh_CN" else d.en
    return code


def _works_in(principal: Principal, county_path: str) -> bool:
    """Whether the caller is staff somewhere in the county (its admins, a street's, a community's, a grid's)."""
    return any(path.startswith(county_path) for path in principal.area_paths())


async def get_policy(principal: Principal, county_id: int) -> PolicyOut:
    county = await Area.select(Area.path, Area.level).where(Area.id == county_id).first()
    # The county's own staff read its list (they assign posts from it); another county's answers as if absent.
    if county is None or county["level"] != "county" or not _works_in(principal, county["path"]):
        raise NotFound("County not found")
    return await policy(county_id)


async def set_policy(principal: Principal, county_id: int, data: PolicyIn) -> PolicyOut:
    """The county's department list and thresholds: county admins only, audited."""
    before = await get_policy(principal, county_id)
    if not principal.covers_area(f"/{county_id}/", frozenset({"county_admin"})):
        raise Forbidden("Only county admins configure posts")
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not None}
    if "departments" in changes:
        codes = [d.code for d in changes["departments"]]
        if len(codes) != len(set(codes)):
            raise Invalid("Department codes repeat", {"departments": "codes must be unique"})
        changes["departments"] = [msgspec.structs.asdict(d) for d in changes["departments"]]
    async with write_transaction():
        values = {**msgspec.structs.asdict(before), **changes}
        values["departments"] = [d if isinstance(d, dict) else msgspec.structs.asdict(d) for d in values["departments"]]
        fields: dict[str, Any] = {  # by column name: the same values update a row or make one
            "departments": values["departments"],
            "split_population": values["split_population"],
            "split_residents_per_worker": values["split_residents_per_worker"],
            "updated_by": principal.account_id,
            "updated_at": clock.now(),
        }
        if await PostPolicy.exists().where(PostPolicy.county == county_id):
            await PostPolicy.update(**fields).where(PostPolicy.county == county_id)
        else:
            await PostPolicy.insert(PostPolicy(county=county_id, **fields))
        await record(
            principal,
            "update",
            "post_policy",
            county_id,
            diff(msgspec.to_builtins(before), changes),
            summary="posts policy",
        )
    return await policy(county_id)


def parse_departments(text: str) -> list[dict[str, str]]:
    """The department list as a page edits it: one per line, "code 中文 English label"."""
    out = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        parts = line.split(maxsplit=2)
        if not parts:
            continue
        if len(parts) < 3:
            raise Invalid(
                "Each department needs a code, a Chinese and an English label",
                {"departments": f"line {number}: code, Chinese label, English label"},
            )
        out.append({"code": parts[0], "zh": parts[1], "en": parts[2]})
    return out
