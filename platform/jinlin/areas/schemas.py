"""Request and response shapes of /api/v1/areas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from jinlin.core.schemas import Body

Level = Literal["county", "street", "community", "grid", "compound", "building"]
Name = Annotated[str, Meta(min_length=1, max_length=100)]
Code = Annotated[str, Meta(min_length=1, max_length=40)]
Lat = Annotated[float, Meta(ge=-90, le=90)]
Lon = Annotated[float, Meta(ge=-180, le=180)]
Population = Annotated[int, Meta(ge=0)]


class AreaIn(Body):
    name: Name
    level: Level
    parent_id: int | None = None
    code: Code | None = None
    lat: Lat | None = None
    lon: Lon | None = None
    population: Population | None = None


class AreaPatch(Body, omit_defaults=True):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    code: Code | msgspec.UnsetType | None = msgspec.UNSET
    lat: Lat | msgspec.UnsetType | None = msgspec.UNSET
    lon: Lon | msgspec.UnsetType | None = msgspec.UNSET
    population: Population | msgspec.UnsetType | None = msgspec.UNSET


class AreaOut(msgspec.Struct):
    id: int
    name: str
    level: str
    parent_id: int | None
    code: str | None
    lat: float | None
    lon: float | None
    population: int | None
    path: str
    created_at: datetime
    updated_at: datetime


class AreaImportResult(msgspec.Struct):
    imported: int
    ids: list[int]
