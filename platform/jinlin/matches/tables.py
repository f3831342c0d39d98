"""供需项目: a need paired with an offer for a quantity, from proposal to completion."""

from enum import Enum

from piccolo.columns import JSON, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from jinlin.accounts.tables import Account
from jinlin.needs.tables import Need
from jinlin.offers.tables import Offer
from jinlin.orgs.tables import Organization


class MatchStatus(str, Enum):
    proposed = "proposed"
    accepted = "accepted"
    in_progress = "in_progress"
    completed = "completed"
    declined = "declined"
    cancelled = "cancelled"
    expired = "expired"


class MatchSource(str, Enum):
    run = "run"
    manual = "manual"
    call = "call"


class Match(Table):
    need_id = ForeignKey(references=Need, index=True)
    offer_id = ForeignKey(references=Offer, index=True)
    # Denormalised from the need and the offer: the two sides, for scope checks and lists.
    community_id = ForeignKey(references=Organization, index=True)
    provider_id = ForeignKey(references=Organization, index=True)
    quantity = Integer()
    source = Varchar(length=10, choices=MatchSource, default="manual", index=True)
    run_id = Integer(null=True, default=None, index=True)
    reasons = JSON(default=[])
    status = Varchar(length=20, choices=MatchStatus, default="proposed", index=True)
    proposed_by = Varchar(length=10, default="", help_text="community, provider or system")
    community_accepted_at = Timestamptz(null=True, default=None)
    provider_accepted_at = Timestamptz(null=True, default=None, help_text="quantity reserved from then")
    started_at = Timestamptz(null=True, default=None)
    completed_at = Timestamptz(null=True, default=None, index=True)
    ended_at = Timestamptz(null=True, default=None, help_text="declined, cancelled or expired")
    created_by = ForeignKey(references=Account, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
