"""Import jobs as the API shows them."""

from __future__ import annotations

from datetime import datetime

import msgspec

from jinlin.core.tabular import RowErrorOut


class ImportJobOut(msgspec.Struct):
    id: int
    kind: str
    status: str  # queued, validating, writing, done, failed
    filename: str
    rows_total: int  # an estimate until validation has counted the rows
    rows_done: int  # rows committed so far
    imported: int
    errors: list[RowErrorOut]  # the bad rows (at most MAX_ERRORS) when validation refused the file
    error: str  # why a job failed otherwise
    created_at: datetime
    finished_at: datetime | None
    status_url: str
    page_url: str


class ImportAccepted(msgspec.Struct):
    """The 202 answer to an upload large enough to import in the background."""

    job_id: int
    status: str
    status_url: str
    page_url: str
