"""志愿者: a volunteer's profile (free time, preferred areas, 报到), and requests to join a team."""

from enum import Enum

from piccolo.columns import JSON, Boolean, Float, ForeignKey, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from jinlin.accounts.tables import Account
from jinlin.orgs.tables import Organization


class VolunteerProfile(Table):
    """One per volunteer account. Phone and skills stay on Account; this holds the rest of 志愿者注册."""

    account = ForeignKey(references=Account, unique=True, index=True)
    # [{"weekday": 0-6 (Monday 0), "start": "HH:MM", "end": "HH:MM"}] in Asia/Shanghai time
    availability = JSON(default=[], help_text="weekly free time")
    preferred_area_ids = JSON(default=[], help_text="Area ids whose subtrees the volunteer prefers")
    party_member = Boolean(default=False, help_text="an in-service party member (在职党员)")
    report_community = ForeignKey(
        references=Organization,
        null=True,
        default=None,
        help_text="the residential community the party member reports to (报到)",
    )
    max_hours_per_week = Float(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class JoinStatus(str, Enum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class TeamJoinRequest(Table):
    """A volunteer asking to join a volunteer team (志愿队伍); the team leader approves."""

    account = ForeignKey(references=Account, index=True)
    team = ForeignKey(references=Organization, index=True)
    status = Varchar(length=10, choices=JoinStatus, default="pending", index=True)
    note = Varchar(length=255, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    decided_at = Timestamptz(null=True, default=None)
    decided_by = ForeignKey(references=Account, null=True, default=None)
