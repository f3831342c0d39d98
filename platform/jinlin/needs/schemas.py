"""Request and response shapes of /api/v1/needs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from jinlin.core.schemas import Body

CategoryCode = Literal[
    "elder_care",
    "disability_support",
    "child_care",
    "education",
    "health",
    "legal_aid",
    "home_repair",
    "environment",
    "safety",
    "culture_sports",
    "employment",
    "psychological",
    "funding",
    "venue",
    "materials",
    "other",
]
BeneficiaryCode = Literal[
    "empty_nest_elderly",
    "disabled",
    "minimum_living_allowance",
    "low_income",
    "floating_population",
    "rental_housing",
    "released_prisoner",
    "community_corrections",
    "children",
    "other",
]
ColourCode = Literal["red", "orange", "yellow", "green"]
Title = Annotated[str, Meta(min_length=1, max_length=120)]
Description = Annotated[str, Meta(max_length=2000)]
Quantity = Annotated[int, Meta(ge=1, le=1_000_000)]
Unit = Annotated[str, Meta(max_length=20)]
Item = Annotated[str, Meta(max_length=40)]
Level = Annotated[int, Meta(ge=1, le=3)]


class NeedIn(Body):
    community_id: int
    title: Title
    category: CategoryCode
    quantity: Quantity
    area_id: int | None = None  # defaults to the community's own area
    description: Description = ""
    unit: Unit = ""
    item: Item = ""  # 物品 (goods only: materials, funding, venue); matched by name with the other side's
    splittable: bool = True
    urgency: Level = 2
    importance: Level = 2
    colour: ColourCode | None = None
    respond_by: datetime | None = None
    resolve_by: datetime | None = None
    beneficiary_groups: list[BeneficiaryCode] = []
    publish: bool = False  # create and publish in one step (the phone form does)


class NeedPatch(Body, omit_defaults=True):
    title: Title | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET
    category: CategoryCode | msgspec.UnsetType = msgspec.UNSET
    quantity: Quantity | msgspec.UnsetType = msgspec.UNSET
    unit: Unit | msgspec.UnsetType = msgspec.UNSET
    item: Item | msgspec.UnsetType = msgspec.UNSET
    splittable: bool | msgspec.UnsetType = msgspec.UNSET
    area_id: int | msgspec.UnsetType = msgspec.UNSET
    urgency: Level | msgspec.UnsetType = msgspec.UNSET
    importance: Level | msgspec.UnsetType = msgspec.UNSET
    colour: ColourCode | msgspec.UnsetType | None = msgspec.UNSET
    respond_by: datetime | msgspec.UnsetType | None = msgspec.UNSET
    resolve_by: datetime | msgspec.UnsetType | None = msgspec.UNSET
    beneficiary_groups: list[BeneficiaryCode] | msgspec.UnsetType = msgspec.UNSET
    # why colour or deadlines are set by hand (required then; kept in the audit log)
    reason: Annotated[str, Meta(max_length=200)] | msgspec.UnsetType = msgspec.UNSET


class NeedOut(msgspec.Struct):
    id: int
    community_id: int
    area_id: int
    title: str
    description: str
    category: str
    quantity: int
    unit: str
    splittable: bool
    urgency: int
    importance: int
    colour: str
    respond_by: datetime | None
    resolve_by: datetime | None
    beneficiary_groups: list[str]
    status: str
    quantity_matched: int
    quantity_done: int
    quantity_open: int
    published_at: datetime | None
    resolved_at: datetime | None
    created_at: datetime
    updated_at: datetime
    community_name: str = ""
    area_name: str = ""
    overdue: bool = False
    item: str = ""


class ImportResult(msgspec.Struct):
    imported: int
    ids: list[int]
