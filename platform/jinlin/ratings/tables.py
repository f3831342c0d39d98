"""评价: one side's scores and comment on the other, after a match, a twinning or a shift signup.

Generic over its subject (``subject_type`` + ``subject_id``); blind until both sides have rated or the
window has closed (see ``ratings.service``).
"""

from enum import Enum

from piccolo.columns import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from jinlin.accounts.tables import Account
from jinlin.orgs.tables import Organization


class RatingSubject(str, Enum):
    match = "match"
    twinning = "twinning"
    signup = "signup"


class Rating(Table):
    subject_type = Varchar(length=20, choices=RatingSubject, index=True)
    subject_id = Integer(index=True)
    rater_side = Varchar(length=20, help_text="e.g. community/provider, helper/community, volunteer/organizer")
    # One rating per side of a subject, enforced by the database even under concurrency.
    rater_key = Varchar(length=80, unique=True, help_text="subject_type:subject_id:rater_side")
    rater_organization_id = ForeignKey(references=Organization, null=True, default=None, index=True)
    ratee_organization_id = ForeignKey(references=Organization, null=True, default=None, index=True)
    rater_account_id = ForeignKey(references=Account, null=True, default=None, index=True)
    ratee_account_id = ForeignKey(references=Account, null=True, default=None, index=True)
    score = Integer()
    timeliness = Integer()
    quality = Integer()
    communication = Integer()
    comment = Text(default="")
    window_closes_at = Timestamptz(null=True, default=None, help_text="visible to all from then on")
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
