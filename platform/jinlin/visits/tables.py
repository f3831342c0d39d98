"""走访: visit frequencies per focus group (set by the community) and the visits recorded."""

from enum import Enum

from piccolo.columns import Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from jinlin.accounts.tables import Account
from jinlin.areas.tables import Area
from jinlin.households.tables import Household
from jinlin.needs.tables import Need
from jinlin.orgs.tables import Organization
from jinlin.resident_reports.tables import ResidentReport


class VisitMethod(str, Enum):
    home = "home"
    phone = "phone"
    other = "other"


class VisitPlan(Table):
    """A community's visit frequency for one focus group (空巢老人 every 7 days …)."""

    community = ForeignKey(references=Organization, index=True)
    focus_group = Varchar(length=40)
    every_days = Integer()
    updated_by = ForeignKey(references=Account, null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())


class Visit(Table):
    """One visit to a household. Findings and follow-up may name people, so they are encrypted."""

    household = ForeignKey(references=Household, index=True)
    grid = ForeignKey(references=Area, index=True)
    visited_on = Date(index=True)
    visitor = ForeignKey(references=Account, null=True, default=None, index=True)
    method = Varchar(length=10, choices=VisitMethod, default="home")
    findings_enc = Text(default="")
    follow_up_enc = Text(default="")
    need = ForeignKey(references=Need, null=True, default=None, help_text="the need a follow-up became")
    report = ForeignKey(
        references=ResidentReport, null=True, default=None, help_text="the resident report a follow-up became"
    )
    created_at = Timestamptz(default=TimestamptzNow())
