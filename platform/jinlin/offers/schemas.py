"""Request and response shapes of /api/v1/offers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import Meta

from jinlin.core.schemas import Body
from jinlin.needs.schemas import CategoryCode, Description, Item, Quantity, Title, Unit

Radius = Annotated[float, Meta(gt=0, le=500)]
Skill = Annotated[str, Meta(min_length=1, max_length=40)]


class OfferIn(Body):
    organization_id: int
    title: Title
    category: CategoryCode
    capacity: Quantity
    description: Description = ""
    unit: Unit = ""
    item: Item = ""  # 物品 (goods only: materials, funding, venue); matched by name with the other side's
    service_area_ids: list[int] = []
    radius_km: Radius | None = None
    available_from: datetime | None = None
    available_until: datetime | None = None
    skills: list[Skill] = []
    publish: bool = False


class OfferPatch(Body, omit_defaults=True):
    title: Title | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET
    category: CategoryCode | msgspec.UnsetType = msgspec.UNSET
    capacity: Quantity | msgspec.UnsetType = msgspec.UNSET
    unit: Unit | msgspec.UnsetType = msgspec.UNSET
    item: Item | msgspec.UnsetType = msgspec.UNSET
    service_area_ids: list[int] | msgspec.UnsetType = msgspec.UNSET
    radius_km: Radius | msgspec.UnsetType | None = msgspec.UNSET
    available_from: datetime | msgspec.UnsetType | None = msgspec.UNSET
    available_until: datetime | msgspec.UnsetType | None = msgspec.UNSET
    skills: list[Skill] | msgspec.UnsetType = msgspec.UNSET


class OfferOut(msgspec.Struct):
    id: int
    organization_id: int
    title: str
    description: str
    category: str
    capacity: int
    unit: str
    capacity_left: int
    service_area_ids: list[int]
    radius_km: float | None
    available_from: datetime | None
    available_until: datetime | None
    skills: list[str]
    status: str
    created_at: datetime
    updated_at: datetime
    organization_name: str = ""
    item: str = ""
