"""网格例会: a grid's regular meeting, who attended, and the action items carried until done."""

from enum import Enum

from piccolo.columns import JSON, Date, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from jinlin.accounts.tables import Account
from jinlin.areas.tables import Area
from jinlin.needs.tables import Need
from jinlin.orgs.tables import Organization


class Meeting(Table):
    community = ForeignKey(references=Organization, index=True)
    grid = ForeignKey(references=Area, index=True)
    held_on = Date(index=True)
    attendees = JSON(default=[], help_text="[{post_id, account_id, name}] from the grid's posts")
    topics = Text(default="")
    decisions = Text(default="")
    created_by = ForeignKey(references=Account, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class ActionStatus(str, Enum):
    open = "open"
    done = "done"


class ActionItem(Table):
    """An action item: raised at ``meeting``, on the agenda of every later meeting (``last_meeting``) until done."""

    meeting = ForeignKey(references=Meeting, index=True)
    last_meeting = ForeignKey(references=Meeting, index=True)
    grid = ForeignKey(references=Area, index=True)
    title = Varchar(length=200)
    owner = ForeignKey(references=Account, null=True, default=None, index=True)
    due_on = Date()
    status = Varchar(length=10, choices=ActionStatus, default="open", index=True)
    done_at = Timestamptz(null=True, default=None)
    need = ForeignKey(references=Need, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
