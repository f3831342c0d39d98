"""资源清单: what a unit or volunteer team can give. Column names are API.md's field names."""

from enum import Enum

from piccolo.columns import JSON, DoublePrecision, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from jinlin.accounts.tables import Account
from jinlin.catalog.codes import Category
from jinlin.orgs.tables import Organization


class OfferStatus(str, Enum):
    draft = "draft"
    published = "published"
    paused = "paused"
    exhausted = "exhausted"
    withdrawn = "withdrawn"


class Offer(Table):
    organization_id = ForeignKey(references=Organization, index=True)
    title = Varchar(length=120)
    description = Text(default="")
    category = Varchar(length=30, choices=Category, index=True)
    capacity = Integer(default=1)
    unit = Varchar(length=20, default="")
    item = Varchar(length=40, default="", help_text="物品 for goods (materials, funding, venue): what exactly")
    capacity_left = Integer(default=1, help_text="capacity minus what accepted matches reserved; exact")
    service_area_ids = JSON(default=[])
    radius_km = DoublePrecision(null=True, default=None, help_text="around the organisation's area")
    available_from = Timestamptz(null=True, default=None)
    available_until = Timestamptz(null=True, default=None)
    skills = JSON(default=[])
    status = Varchar(length=20, choices=OfferStatus, default="draft", index=True)
    created_by = ForeignKey(references=Account, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
