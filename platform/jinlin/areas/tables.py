"""区域: the administrative grid tree (county › street › community › grid › compound › building)."""

from enum import Enum

from piccolo.columns import DoublePrecision, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class AreaLevel(str, Enum):
    county = "county"
    street = "street"
    community = "community"
    grid = "grid"
    compound = "compound"
    building = "building"


LEVEL_ORDER = [lvl.value for lvl in AreaLevel]


class Area(Table):
    name = Varchar(length=100)
    level = Varchar(length=20, choices=AreaLevel, index=True)
    parent: ForeignKey["Area"] = ForeignKey(references="self", null=True, default=None, index=True)
    code = Varchar(length=40, null=True, default=None, unique=True)
    lat = DoublePrecision(null=True, default=None)
    lon = DoublePrecision(null=True, default=None)
    population = Integer(null=True, default=None)
    # Materialised path "/1/4/9/": a subtree is one LIKE query on both databases.
    path = Varchar(length=255, index=True, default="", help_text="ids from the root, /-separated")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
