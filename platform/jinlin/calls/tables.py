"""号召 / 响应: "the community blows the whistle, units report" — a published call for help and pledges."""

from enum import Enum

from piccolo.columns import JSON, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from jinlin.accounts.tables import Account
from jinlin.areas.tables import Area
from jinlin.orgs.tables import Organization


class CallStatus(str, Enum):
    open = "open"
    closed = "closed"


class Call(Table):
    issuer_id = ForeignKey(references=Organization, index=True, help_text="a community or street office")
    area_id = ForeignKey(references=Area, index=True, help_text="the issuer's area (scope)")
    title = Varchar(length=120)
    description = Text(default="")
    categories = JSON(default=[])
    quantity = Integer(default=1)
    unit = Varchar(length=20, default="")
    unit_kinds = JSON(default=[], help_text="organisation kinds called; empty: every kind of unit")
    need_ids = JSON(default=[], help_text="the needs that pledges are matched against")
    respond_by = Timestamptz(null=True, default=None, index=True)
    status = Varchar(length=10, choices=CallStatus, default="open", index=True)
    quantity_pledged = Integer(default=0)
    created_by = ForeignKey(references=Account, null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    updated_at = Timestamptz(default=TimestamptzNow())


class ResponseStatus(str, Enum):
    pledged = "pledged"
    matched = "matched"
    withdrawn = "withdrawn"


class CallResponse(Table):
    """响应: a unit's pledge to a call; ``delay_s`` (call → response) feeds the KPIs."""

    call_id = ForeignKey(references=Call, index=True)
    organization_id = ForeignKey(references=Organization, index=True)
    # One pledge per unit and call, enforced by the database even under concurrency.
    response_key = Varchar(length=40, unique=True, help_text="call_id:organization_id")
    quantity = Integer()
    quantity_matched = Integer(default=0)
    note = Text(default="")
    status = Varchar(length=10, choices=ResponseStatus, default="pledged", index=True)
    delay_s = Integer(default=0, help_text="seconds from the call to this response")
    responded_by = ForeignKey(references=Account, null=True, default=None)
    match_ids = JSON(default=[])
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    updated_at = Timestamptz(default=TimestamptzNow())
