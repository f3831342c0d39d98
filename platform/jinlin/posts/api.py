"""/api/v1/posts, /api/v1/areas/{id}/posts, /api/v1/post-policies/{county_id}: parse, call the service, answer."""

from __future__ import annotations

import dataclasses
from typing import Literal

from litestar import Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from jinlin.auth.principal import Principal
from jinlin.core.pagination import Page, PageRequest
from jinlin.posts import policy, roster, service, workload
from jinlin.posts.importer import XLSX
from jinlin.posts.schemas import CardIn, Kind, PolicyIn, PolicyOut, PostIn, PostOut, ServiceRecordOut
from jinlin.posts.workload import Workload

Status = Literal["current", "ended", "all"]


@get("/posts", tags=["posts"])
async def list_posts(
    principal: NamedDependency[Principal],
    paging: NamedDependency[PageRequest],
    area_id: FromQuery[int | None] = None,
    kind: FromQuery[Kind | None] = None,
    department: FromQuery[str | None] = None,
    account_id: FromQuery[int | None] = None,
    status: FromQuery[Status] = "current",
) -> Page[PostOut]:
    """Posts (岗位) visible to you; ``area_id`` means the whole subtree."""
    return await service.list_posts(
        principal, paging, area_id=area_id, kind=kind, department=department, account_id=account_id, status=status
    )


@post("/posts", tags=["posts"])
async def create_post(principal: NamedDependency[Principal], data: JSONBody[PostIn]) -> PostOut:
    """Put a person on a post (the body names ``area_id``)."""
    return await service.assign(principal, data)


@get("/posts/{post_id:int}", tags=["posts"])
async def get_post(principal: NamedDependency[Principal], post_id: FromPath[int]) -> PostOut:
    return await service.get_post(principal, post_id)


@post("/posts/{post_id:int}/end", tags=["posts"], status_code=200)
async def end_post(principal: NamedDependency[Principal], post_id: FromPath[int]) -> PostOut:
    """End a post; its history stays."""
    return await service.end_post(principal, post_id)


@get("/areas/{area_id:int}/posts", tags=["posts"])
async def area_posts(
    principal: NamedDependency[Principal],
    paging: NamedDependency[PageRequest],
    area_id: FromPath[int],
    status: FromQuery[Status] = "current",
) -> Page[PostOut]:
    """The posts on exactly this area."""
    return await service.area_posts(principal, paging, area_id, status=status)


@post("/areas/{area_id:int}/posts", tags=["posts"])
async def assign_on_area(
    principal: NamedDependency[Principal], area_id: FromPath[int], data: JSONBody[PostIn]
) -> PostOut:
    return await service.assign(principal, data, area_id=area_id)


@put("/areas/{area_id:int}/duty-card", tags=["posts"], status_code=200)
async def update_card(
    principal: NamedDependency[Principal], area_id: FromPath[int], data: JSONBody[CardIn]
) -> dict[str, str]:
    """Service hours and notice on a grid's, compound's or building's public duty card."""
    return await service.update_card(principal, area_id, data)


@get("/areas/{area_id:int}/workload", tags=["posts"])
async def area_workload(principal: NamedDependency[Principal], area_id: FromPath[int]) -> Workload:
    """Residents per grid worker, open and overdue needs per worker, empty posts and the 分设 flag."""
    return await workload.workload_for(principal, area_id)


@get("/organizations/{org_id:int}/service-record", tags=["posts"])
async def service_record(principal: NamedDependency[Principal], org_id: FromPath[int]) -> list[ServiceRecordOut]:
    """A unit's 报到 registrations (its own and its party members'), each with what was done under it."""
    return [
        ServiceRecordOut(
            registration_id=i["registration"]["id"],
            community_id=i["registration"]["community"],
            community_name=i["registration"]["community_name"] or "",
            kind=i["registration"]["kind"],
            account_id=i["registration"]["account"],
            status=i["registration"]["status"],
            **dataclasses.asdict(i["outcome"]),
        )
        for i in await roster.unit_record(principal, org_id)
    ]


@get("/organizations/{org_id:int}/service-report.xlsx", tags=["posts"], media_type=XLSX)
async def service_report(
    principal: NamedDependency[Principal],
    org_id: FromPath[int],
    year: FromQuery[int],
    quarter: FromQuery[int | None] = None,
) -> Response:
    """The unit's and its party members' service per community, for a quarter or a year (XLSX)."""
    content = await roster.service_report_xlsx(principal, org_id, year, quarter)
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="service-{org_id}-{year}.xlsx"'},
    )


@get("/post-policies/{county_id:int}", tags=["posts"])
async def get_policy(principal: NamedDependency[Principal], county_id: FromPath[int]) -> PolicyOut:
    return await policy.get_policy(principal, county_id)


@put("/post-policies/{county_id:int}", tags=["posts"], status_code=200)
async def set_policy(
    principal: NamedDependency[Principal], county_id: FromPath[int], data: JSONBody[PolicyIn]
) -> PolicyOut:
    """The county's 下沉 departments and 分设 thresholds (county admins)."""
    return await policy.set_policy(principal, county_id, data)


ROUTES = [
    service_record,
    service_report,
    area_workload,
    list_posts,
    create_post,
    get_post,
    end_post,
    area_posts,
    assign_on_area,
    update_card,
    get_policy,
    set_policy,
]
