"""通知: in-app notifications, to an organisation (all its members see it) or to one account."""

from piccolo.columns import ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from jinlin.accounts.tables import Account
from jinlin.orgs.tables import Organization


class Notification(Table):
    organization = ForeignKey(references=Organization, null=True, default=None, index=True)
    account = ForeignKey(references=Account, null=True, default=None, index=True)
    kind = Varchar(length=40)  # e.g. match_proposed, match_accepted, rated, shift_reminder
    title = Varchar(length=255)  # an English msgid with {placeholders}; pages translate and format it
    params = Varchar(length=1000, default="{}")  # JSON of the placeholders
    link = Varchar(length=255, default="")
    object_type = Varchar(length=40, default="")
    object_id = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    read_at = Timestamptz(null=True, default=None)
