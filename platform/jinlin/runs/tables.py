"""匹配批次: one run of the matcher over an area, for any kind (allocation, twinning, roster).

A run is claimed with a conditional update (queued → running) and finished with another
(running → succeeded/failed), so a duplicated or retried task is harmless.
"""

from enum import Enum

from piccolo.columns import JSON, DoublePrecision, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from jinlin.accounts.tables import Account
from jinlin.areas.tables import Area


class RunKind(str, Enum):
    allocation = "allocation"
    twinning = "twinning"
    roster = "roster"


class RunStatus(str, Enum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"


ACTIVE_STATUSES = ("queued", "running")


class MatchRun(Table):
    kind = Varchar(length=20, choices=RunKind, index=True)
    area = ForeignKey(references=Area, index=True)
    area_path = Varchar(length=255, index=True, help_text="the area's path when the run started (overlap checks)")
    options = JSON(default={})
    status = Varchar(length=20, choices=RunStatus, default="queued", index=True)
    progress = DoublePrecision(default=0.0, help_text="0-1, written as the run advances")
    phase = Varchar(length=40, default="", help_text="loading, solving, saving ...")
    parts_total = Integer(default=0, help_text="sub-problems solved (fan-out)")
    parts_done = Integer(default=0)
    objective = DoublePrecision(null=True, default=None)
    bound = DoublePrecision(null=True, default=None)
    solver_status = Varchar(length=20, default="", help_text="optimal, feasible, infeasible, no_solution")
    stats = JSON(default={})
    result = JSON(default={}, help_text="coverage, unmatched with reasons, comparison with the ranked rule")
    proposals = Integer(default=0)
    error = Text(default="")
    task_id = Varchar(length=64, default="")
    attempts = Integer(default=0, help_text="times a worker claimed it (the reaper retries a dead worker's run)")
    requested_by = ForeignKey(references=Account, null=True, default=None)
    published_at = Timestamptz(null=True, default=None)
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    updated_at = Timestamptz(default=TimestamptzNow())


class PartStatus(str, Enum):
    pending = "pending"
    solving = "solving"
    done = "done"


class RunPart(Table):
    """One independent sub-problem of a fanned-out run: claimed, solved and counted exactly once.

    Its heartbeat (``updated_at``) lets the reaper hand a part whose worker died to another worker.
    """

    run = ForeignKey(references=MatchRun, index=True)
    position = Integer(help_text="the part's place in the run's list of components")
    document = JSON(default={}, help_text="the sub-problem (matching's input format)")
    status = Varchar(length=20, choices=PartStatus, default="pending", index=True)
    solution = JSON(default={})
    attempts = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
