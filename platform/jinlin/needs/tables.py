"""需求清单: a community's needs. Column names are API.md's field names (other features read them)."""

from enum import Enum

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from jinlin.accounts.tables import Account
from jinlin.areas.tables import Area
from jinlin.catalog.codes import Category, Colour
from jinlin.orgs.tables import Organization


class NeedStatus(str, Enum):
    draft = "draft"
    published = "published"
    matched = "matched"
    in_progress = "in_progress"
    resolved = "resolved"
    closed = "closed"
    cancelled = "cancelled"
    expired = "expired"


class Need(Table):
    community_id = ForeignKey(references=Organization, index=True, help_text="the community Organization")
    area_id = ForeignKey(references=Area, index=True, help_text="grid, compound or building in it")
    title = Varchar(length=120)
    description = Text(default="")
    category = Varchar(length=30, choices=Category, index=True)
    quantity = Integer(default=1)
    unit = Varchar(length=20, default="")
    item = Varchar(length=40, default="", help_text="物品 for goods (materials, funding, venue): what exactly")
    splittable = Boolean(default=True)
    urgency = Integer(default=2, help_text="1-3")
    importance = Integer(default=2, help_text="1-3")
    colour = Varchar(length=10, choices=Colour, index=True)
    colour_set = Boolean(default=False, help_text="set by hand rather than derived")
    respond_by = Timestamptz(null=True, default=None, index=True)
    resolve_by = Timestamptz(null=True, default=None, index=True)
    deadlines_set = Boolean(default=False, help_text="set by hand rather than derived")
    beneficiary_groups = JSON(default=[])
    status = Varchar(length=20, choices=NeedStatus, default="draft", index=True)
    quantity_matched = Integer(default=0, help_text="reserved by accepted matches")
    quantity_done = Integer(default=0, help_text="delivered by completed matches")
    created_by = ForeignKey(references=Account, null=True, default=None)
    published_at = Timestamptz(null=True, default=None)
    responded_at = Timestamptz(null=True, default=None, help_text="first match proposed")
    resolved_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    updated_at = Timestamptz(default=TimestamptzNow())
