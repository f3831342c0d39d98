"""督查通报: generated supervision reports (figures, PDF and XLSX kept in the database so every web and worker
process reads the same archive) and the optional monthly schedule per area."""

from enum import Enum

from piccolo.columns import JSON, Boolean, Bytea, DoublePrecision, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from jinlin.accounts.tables import Account
from jinlin.areas.tables import Area


class ReportStatus(str, Enum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"


class SupervisionReport(Table):
    area = ForeignKey(references=Area, index=True)
    period = Varchar(length=10, help_text="YYYY, YYYY-Qn or YYYY-MM")
    period_start = Timestamptz()
    period_end = Timestamptz()
    report_key = Varchar(length=60, unique=True, help_text="scheduled:area:period, or manual:<random>")
    kind = Varchar(length=10, default="manual", help_text="manual or scheduled")
    status = Varchar(length=10, choices=ReportStatus, default="queued", index=True)
    progress = DoublePrecision(default=0.0)
    phase = Varchar(length=40, default="")
    author = ForeignKey(references=Account, null=True, default=None)
    issuing_office = Varchar(length=120, default="")
    figures = JSON(default={})
    pdf = Bytea(null=True, default=None)
    xlsx = Bytea(null=True, default=None)
    pages = Integer(default=0)
    error = Text(default="")
    published_to = JSON(default=[], help_text="organisation ids notified")
    published_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    finished_at = Timestamptz(null=True, default=None)


class SupervisionSchedule(Table):
    """A monthly report of an area for the month before, generated on the 1st (and published if chosen)."""

    area = ForeignKey(references=Area, unique=True, index=True)
    enabled = Boolean(default=False)
    publish = Boolean(default=False)
    updated_by = ForeignKey(references=Account, null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())
