"""导入任务: one upload imported in the background (large files), with its progress and outcome.

Claimed with conditional updates (queued → validating → writing → done/failed) and beating a heartbeat
(``updated_at``) while it works, like a matching run, so a job whose worker died is noticed by the reaper.
"""

from enum import Enum

from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from jinlin.accounts.tables import Account


class JobStatus(str, Enum):
    queued = "queued"
    validating = "validating"
    writing = "writing"
    done = "done"
    failed = "failed"


ACTIVE_STATUSES = ("queued", "validating", "writing")


class ImportJob(Table):
    kind = Varchar(length=40, index=True, help_text="which import: needs, offers, areas, households, setup:… ")
    params = JSON(default={}, help_text="the import's options (community_id, organization_id …)")
    filename = Varchar(length=255, default="")
    status = Varchar(length=20, choices=JobStatus, default="queued", index=True)
    rows_total = Integer(default=0, help_text="an estimate until validation counts them exactly")
    rows_done = Integer(default=0, help_text="rows committed; a retried job resumes after them")
    imported = Integer(default=0)
    errors = JSON(default=[], help_text="row errors (capped) when validation refused the file")
    error = Text(default="", help_text="why the job failed, in the reader's words")
    attempts = Integer(default=0)
    locale = Varchar(length=10, default="", help_text="the starter's language: row errors are written in it")
    started_by = ForeignKey(references=Account, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow(), index=True, help_text="the heartbeat while working")
    finished_at = Timestamptz(null=True, default=None)


class ImportUpload(Table):
    """A job's uploaded file, so a worker in another container can read it: AES-GCM encrypted with the
    residents' keyring (households files hold names and ID numbers), deleted when the job ends. A row of
    its own, so the job's progress updates never rewrite megabytes (SQLite rewrites a whole row)."""

    job = ForeignKey(references=ImportJob, unique=True, on_delete=OnDelete.cascade)
    content = Text(default="")
