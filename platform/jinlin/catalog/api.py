"""/api/v1/colour-policies/{county_id} and /api/v1/categories: the county's 分色 policy and the code lists."""

from __future__ import annotations

import msgspec
from litestar import get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from jinlin.auth.principal import Principal
from jinlin.catalog import service
from jinlin.catalog.codes import BENEFICIARY_LABELS, CATEGORY_LABELS, COLOURS
from jinlin.catalog.labels import zh
from jinlin.catalog.service import Policy, PolicyIn


class PolicyOut(msgspec.Struct):
    county_id: int | None
    red_respond_hours: int
    red_resolve_hours: int
    orange_respond_hours: int
    orange_resolve_hours: int
    yellow_respond_hours: int
    yellow_resolve_hours: int
    green_respond_hours: int
    green_resolve_hours: int
    rating_window_days: int


class Code(msgspec.Struct):
    code: str
    en: str
    zh: str


class Codes(msgspec.Struct):
    categories: list[Code]
    beneficiary_groups: list[Code]
    colours: list[str]


def policy_out(policy: Policy) -> PolicyOut:
    hours = {f"{c}_{k}_hours": policy.hours[c][i] for c in COLOURS for i, k in enumerate(("respond", "resolve"))}
    return PolicyOut(county_id=policy.county_id, rating_window_days=policy.rating_window_days, **hours)


@get("/colour-policies/{county_id:int}", tags=["catalog"])
async def get_policy(principal: NamedDependency[Principal], county_id: FromPath[int]) -> PolicyOut:
    return policy_out(await service.policy_for_county(county_id))


@put("/colour-policies/{county_id:int}", tags=["catalog"])
async def put_policy(
    principal: NamedDependency[Principal], county_id: FromPath[int], data: JSONBody[PolicyIn]
) -> PolicyOut:
    return policy_out(await service.update_policy(principal, county_id, data))


@get("/categories", tags=["catalog"])
async def codes(principal: NamedDependency[Principal]) -> Codes:
    return Codes(
        categories=[Code(code=c, en=label, zh=zh(label)) for c, label in CATEGORY_LABELS.items()],
        beneficiary_groups=[Code(code=c, en=label, zh=zh(label)) for c, label in BENEFICIARY_LABELS.items()],
        colours=list(COLOURS),
    )


ROUTES = [get_policy, put_policy, codes]
