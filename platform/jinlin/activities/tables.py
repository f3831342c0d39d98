"""志愿活动、班次、报名、时长: activities, their shifts, volunteers' signups and verified hours."""

from enum import Enum

from piccolo.columns import JSON, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from jinlin.accounts.tables import Account
from jinlin.areas.tables import Area
from jinlin.orgs.tables import Organization
from jinlin.runs.tables import MatchRun


class ActivityStatus(str, Enum):
    draft = "draft"
    published = "published"
    cancelled = "cancelled"
    finished = "finished"


class Activity(Table):
    """志愿活动: organised by an organisation (community, team, unit) at a place."""

    organizer = ForeignKey(references=Organization, index=True)
    created_by = ForeignKey(references=Account, null=True, default=None)
    title = Varchar(length=120)
    description = Text(default="")
    category = Varchar(length=30, index=True)
    area = ForeignKey(references=Area, index=True)
    address = Varchar(length=255, default="")
    status = Varchar(length=12, choices=ActivityStatus, default="draft", index=True)
    grace_minutes = Integer(default=30, help_text="check-in opens this early and closes this late")
    cancel_cutoff_hours = Integer(default=2, help_text="volunteers cancel up to this long before the start")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Shift(Table):
    """班次: a time slot of an activity with a number of places (``slots_left`` is decremented
    by a conditional update, so the last place can't be taken twice)."""

    activity = ForeignKey(references=Activity, index=True)
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    slots = Integer()
    slots_left = Integer()
    skills = JSON(default=[])
    checkin_code = Varchar(length=6)
    created_at = Timestamptz(default=TimestamptzNow())


class SignupStatus(str, Enum):
    signed_up = "signed_up"
    waitlisted = "waitlisted"
    confirmed = "confirmed"
    checked_in = "checked_in"
    completed = "completed"
    no_show = "no_show"
    cancelled = "cancelled"


# Statuses that hold a place on the shift.
HOLDING = ("signed_up", "confirmed", "checked_in", "completed")


class Signup(Table):
    """报名: a volunteer's place on a shift (or on its waiting list)."""

    shift = ForeignKey(references=Shift, index=True)
    volunteer = ForeignKey(references=Account, index=True)
    status = Varchar(length=12, choices=SignupStatus, index=True)
    source = Varchar(length=10, default="self")  # self | roster
    checked_in_at = Timestamptz(null=True, default=None)
    checked_out_at = Timestamptz(null=True, default=None)
    minutes = Integer(null=True, default=None, help_text="served minutes, from check-in/out or adjusted")
    adjust_reason = Varchar(length=255, default="")
    verified_at = Timestamptz(null=True, default=None)
    verified_by = ForeignKey(references=Account, null=True, default=None)
    reminded_at = Timestamptz(null=True, default=None, help_text="the day-before reminder went out")
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    updated_at = Timestamptz(default=TimestamptzNow())


class HoursKind(str, Enum):
    recorded = "recorded"  # 积分时长: verified from a shift
    honorary = "honorary"  # 荣誉时长: added by an administrator


class HoursRecord(Table):
    """志愿时长: verified service time. The two kinds are summed separately, never together."""

    account = ForeignKey(references=Account, index=True)
    kind = Varchar(length=10, choices=HoursKind, index=True)
    signup = ForeignKey(references=Signup, null=True, default=None, unique=True)
    minutes = Integer()
    served_on = Timestamptz(index=True, help_text="when the service happened (its year counts)")
    reason = Varchar(length=255, default="")
    organization = ForeignKey(references=Organization, null=True, default=None, index=True)
    created_by = ForeignKey(references=Account, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class InvitationStatus(str, Enum):
    invited = "invited"
    accepted = "accepted"
    declined = "declined"
    expired = "expired"


class RosterInvitation(Table):
    """A roster run's proposal: the volunteer is invited to a shift and confirms or declines. The run
    is a shared 匹配批次 (``MatchRun`` of kind ``roster``)."""

    run = ForeignKey(references=MatchRun, index=True)
    shift = ForeignKey(references=Shift, index=True)
    volunteer = ForeignKey(references=Account, index=True)
    status = Varchar(length=10, choices=InvitationStatus, default="invited", index=True)
    reasons = JSON(default=[])
    created_at = Timestamptz(default=TimestamptzNow())
    decided_at = Timestamptz(null=True, default=None)
