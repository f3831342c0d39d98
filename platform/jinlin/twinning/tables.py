"""结对帮扶: community profiles (weakness), helper profiles (strength), and twinning pairs per period."""

from enum import Enum

from piccolo.columns import JSON, DoublePrecision, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from jinlin.accounts.tables import Account
from jinlin.orgs.tables import Organization


class CommunityProfile(Table):
    """What county and street staff keep about a community; the weakness index is derived (docs/twinning.md)."""

    community_id = ForeignKey(references=Organization, unique=True, index=True)
    population = Integer(default=0)
    grid_workers = Integer(default=0)
    funding_gap = Integer(default=0, help_text="yuan per year")
    facility_gap = DoublePrecision(default=0.0, help_text="share of standard facilities missing, 0-1")
    min_helpers = Integer(default=0)
    max_helpers = Integer(default=1)
    note = Text(default="")
    updated_by = ForeignKey(references=Account, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class HelperProfile(Table):
    """A helper's strengths (0-1 each) and how many communities it can support."""

    organization_id = ForeignKey(references=Organization, unique=True, index=True)
    capacity = Integer(default=1)
    staff_strength = DoublePrecision(default=0.0)
    funding_strength = DoublePrecision(default=0.0)
    facility_strength = DoublePrecision(default=0.0)
    service_strength = DoublePrecision(default=0.0)
    note = Text(default="")
    updated_by = ForeignKey(references=Account, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class TwinningStatus(str, Enum):
    proposed = "proposed"
    active = "active"
    ended = "ended"
    declined = "declined"


class Twinning(Table):
    helper_id = ForeignKey(references=Organization, index=True)
    community_id = ForeignKey(references=Organization, index=True)
    period = Integer(index=True, help_text="the year")
    status = Varchar(length=10, choices=TwinningStatus, default="proposed", index=True)
    run_id = Integer(null=True, default=None, index=True)
    # One pair per period and run (proposals of a retried run are not duplicated).
    pair_key = Varchar(length=80, unique=True, help_text="period:helper:community:run (or manual)")
    value = DoublePrecision(null=True, default=None)
    reasons = JSON(default=[])
    accepted_at = Timestamptz(null=True, default=None)
    ended_at = Timestamptz(null=True, default=None)
    created_by = ForeignKey(references=Account, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
