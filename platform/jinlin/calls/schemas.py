"""Request and response shapes of /api/v1/calls and their responses (pledges)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from jinlin.catalog.codes import Category
from jinlin.core.schemas import Body

UnitKind = Literal["enterprise", "agency", "village", "social_org", "volunteer_team"]
Positive = Annotated[int, Meta(ge=1)]


class CallIn(Body):
    issuer_id: int
    title: Annotated[str, Meta(min_length=1, max_length=120)]
    categories: Annotated[list[Category], Meta(min_length=1)]
    quantity: Positive
    unit: Annotated[str, Meta(max_length=20)] = ""
    description: Annotated[str, Meta(max_length=4000)] = ""
    respond_by: datetime | None = None
    unit_kinds: list[UnitKind] = []
    need_ids: list[int] = []


class ResponseIn(Body):
    organization_id: int
    quantity: Positive
    note: Annotated[str, Meta(max_length=1000)] = ""


class PledgeMatchIn(Body):
    need_id: int
    quantity: Positive
    offer_id: int | None = None  # None: an offer is made from the pledge


class ResponseOut(msgspec.Struct):
    id: int
    call_id: int
    organization_id: int
    organization_name: str
    quantity: int
    quantity_matched: int
    note: str
    status: str
    delay_s: int
    match_ids: list[int]
    created_at: datetime


class CallOut(msgspec.Struct):
    id: int
    issuer_id: int
    issuer_name: str
    area_id: int
    title: str
    description: str
    categories: list[str]
    quantity: int
    unit: str
    unit_kinds: list[str]
    need_ids: list[int]
    respond_by: datetime | None
    status: str
    quantity_pledged: int
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    responses: list[ResponseOut] = []
