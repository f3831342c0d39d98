"""Import jobs: every import route goes through ``start``; a large upload becomes a background job.

``start`` checks who may import (before the file is read), takes a token from the account's import bucket,
counts the rows cheaply (``core.tabular.count_rows``: the size limits, then line breaks or row tags), and
either imports at once (the feature's usual answer) or stores the upload encrypted (``ImportUpload``) and
hands it to a worker (Celery in the services shape, a task of this process when embedded).

A job is claimed with a conditional update (queued → validating), validates every row before writing any
(the feature's own all-or-nothing import), and writes in batches whose transactions also move its
``rows_done`` forward (``core.tabular.write_rows``). Each write is fenced by the attempt number, so a
worker taken for dead cannot write after another took over; a retried job skips the rows already
committed. It beats a heartbeat while it works; the reaper sends a quiet job again (or fails it after
``MAX_ATTEMPTS``). The stored upload (``ImportUpload``) is deleted when the job ends, done or failed.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from dataclasses import dataclass
from typing import Any

from jinlin.audit.service import record
from jinlin.auth.principal import Principal
from jinlin.auth.service import load_principal
from jinlin.core import clock, ratelimit
from jinlin.core.celery import reap_each, stale_before
from jinlin.core.crypto import keyring
from jinlin.core.db import is_transient, write_transaction
from jinlin.core.errors import DomainError, NotFound, RateLimited
from jinlin.core.forms import field_message
from jinlin.core.i18n import current_locale, translate
from jinlin.core.pagination import Page, PageRequest
from jinlin.core.settings import get_settings
from jinlin.core.tabular import MAX_ERRORS, ImportRejected, RowErrorOut, count_rows, import_progress
from jinlin.imports.kinds import KINDS, Params, kind_for
from jinlin.imports.schemas import ImportAccepted, ImportJobOut
from jinlin.imports.tables import ACTIVE_STATUSES, ImportJob, ImportUpload

log = logging.getLogger(__name__)

RUN_TASK = "jinlin.imports.tasks.run_import_job"
MAX_ATTEMPTS = 3  # claims of one job before the reaper gives up on it
BUCKET_SECONDS = 3600

# Embedded shape: the jobs running as tasks of this process (tests wait on them).
_background: dict[int, asyncio.Task[None]] = {}


@dataclass(frozen=True, slots=True)
class Outcome:
    """What ``start`` did: imported at once (``result``: the feature's own) or started ``job``."""

    result: Any = None
    job: ImportAccepted | None = None


def background_rows() -> int:
    return get_settings().import_background_rows


async def _take_token(principal: Principal) -> None:
    capacity = get_settings().imports_per_hour
    if not await ratelimit.allow(
        f"import:account:{principal.account_id}", capacity=capacity, per_seconds=BUCKET_SECONDS
    ):
        raise RateLimited.after("Too many imports; try again later", BUCKET_SECONDS / capacity)


def seal(content: bytes) -> str:
    """The upload as stored for the worker: AES-GCM with the residents' keyring (it may hold ID numbers)."""
    return keyring().encrypt(base64.b64encode(content).decode())


def unseal(token: str) -> bytes:
    return base64.b64decode(keyring().decrypt(token))


async def start(
    principal: Principal, kind_name: str, upload: tuple[str, bytes], params: Params | None = None
) -> Outcome:
    """Import ``upload`` as ``kind_name``: at once when small, else as a background job (answered 202)."""
    kind = kind_for(kind_name)
    options = await kind.authorize(principal, dict(params or {}))  # who may, before the file is read
    await _take_token(principal)
    filename, content = upload
    rows = await asyncio.to_thread(count_rows, filename, content)
    if not kind.background or rows <= background_rows():
        return Outcome(result=await kind.run(principal, filename, content, options))
    sealed = await asyncio.to_thread(seal, content)  # before the transaction: no lock held while encrypting
    now = clock.now()
    async with write_transaction():
        job = ImportJob(
            kind=kind.name,
            params=options,
            filename=filename[:255],
            rows_total=rows,
            locale=current_locale.get(),
            started_by=principal.account_id,
            created_at=now,
            updated_at=now,
        )
        await job.save()
        await ImportUpload(job=job.id, content=sealed).save()
        await record(
            principal, "start", "import_job", job.id, {"kind": kind.name, "rows": rows}, summary=f"{kind.name} import"
        )
    await launch(job.id)
    return Outcome(job=accepted(job.id, "queued"))


def accepted(job_id: int, status: str) -> ImportAccepted:
    return ImportAccepted(job_id=job_id, status=status, status_url=status_url(job_id), page_url=page_url(job_id))


def status_url(job_id: int) -> str:
    return f"/api/v1/imports/{job_id}"


def page_url(job_id: int) -> str:
    return f"/imports/{job_id}"


async def launch(job_id: int) -> None:
    """Hand the job to a worker, or (embedded shape) run it as a background task of this process."""
    from jinlin.core.celery import celery_app, with_retries

    if celery_app.conf.task_always_eager:
        task = asyncio.get_running_loop().create_task(with_retries(execute, job_id))
        _background[job_id] = task
        task.add_done_callback(lambda _t: _background.pop(job_id, None))
        return
    celery_app.send_task(RUN_TASK, args=[job_id])  # by name: the tasks module imports this one


async def wait_for(job_id: int, timeout: float = 120.0) -> ImportJobOut:
    """Wait until the job has ended (embedded: its task; a worker: poll the row). For tests and tools."""
    task = _background.get(job_id)
    if task is not None:
        await asyncio.wait_for(asyncio.shield(task), timeout)
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        row = await ImportJob.select().where(ImportJob.id == job_id).output(load_json=True).first()
        if row is None:
            raise NotFound("No such import")
        if row["status"] not in ACTIVE_STATUSES:
            return _out(row)
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"import job {job_id} still {row['status']} after {timeout} s")
        await asyncio.sleep(0.1)


# -- reading ----------------------------------------------------------------------------------------


def _out(row: dict[str, Any]) -> ImportJobOut:
    return ImportJobOut(
        id=row["id"],
        kind=row["kind"],
        status=row["status"],
        filename=row["filename"],
        rows_total=row["rows_total"],
        rows_done=row["rows_done"],
        imported=row["imported"],
        errors=[RowErrorOut(e["row"], e["column"], e["reason"]) for e in row["errors"] or []],
        error=row["error"],
        created_at=row["created_at"],
        finished_at=row["finished_at"],
        status_url=status_url(row["id"]),
        page_url=page_url(row["id"]),
    )


async def get_job(principal: Principal, job_id: int) -> ImportJobOut:
    """A job as its starter sees it; anyone else (county admins too: its errors may quote a resident's row)
    gets 404."""
    row = (
        await ImportJob.select()
        .where((ImportJob.id == job_id) & (ImportJob.started_by == principal.account_id))
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise NotFound("No such import")
    return _out(row)


async def list_jobs(principal: Principal, paging: PageRequest) -> Page[ImportJobOut]:
    mine = ImportJob.started_by == principal.account_id
    rows = (
        await ImportJob.select()
        .where(mine)
        .output(load_json=True)
        .order_by(ImportJob.id, ascending=False)
        .limit(paging.limit)
        .offset(paging.offset)
    )
    return paging.page([_out(r) for r in rows], await ImportJob.count().where(mine))


def kind_title(name: str) -> str:
    kind = KINDS.get(name)
    return kind.title if kind else name


def kind_back(name: str) -> str:
    kind = KINDS.get(name)
    return kind.back if kind else "/"


# -- running (a worker, or this process when embedded) ---------------------------------------------


class JobLost(Exception):
    """Another attempt took the job over (this worker was taken for dead): stop without writing."""


def _this_attempt(job_id: int, attempt: int) -> Any:
    return (ImportJob.id == job_id) & (ImportJob.attempts == attempt) & ImportJob.status.is_in(list(ACTIVE_STATUSES))


class _Progress:
    """``core.tabular.ImportProgress`` for one attempt of a job."""

    def __init__(self, job_id: int, attempt: int, written: int) -> None:
        self.job_id, self.attempt, self.written, self.done = job_id, attempt, written, written

    async def writing(self, total: int) -> None:
        await ImportJob.update(
            {ImportJob.status: "writing", ImportJob.rows_total: total, ImportJob.updated_at: clock.now()}
        ).where(_this_attempt(self.job_id, self.attempt))

    async def wrote(self, done: int) -> None:
        # Inside the batch's transaction: the rows and the count commit together, or neither does.
        took = (
            await ImportJob.update({ImportJob.rows_done: done, ImportJob.updated_at: clock.now()})
            .where(_this_attempt(self.job_id, self.attempt))
            .returning(ImportJob.id)
        )
        if not took:
            raise JobLost(f"import job {self.job_id} was taken over")
        self.done = done

    async def beat(self) -> None:
        await ImportJob.update({ImportJob.updated_at: clock.now()}).where(_this_attempt(self.job_id, self.attempt))


async def execute(job_id: int) -> None:
    """Claim the job and run its import; safe to receive twice (the claim is conditional)."""
    from jinlin.core.celery import beating

    now = clock.now()
    claimed = (
        await ImportJob.update(
            {ImportJob.status: "validating", ImportJob.attempts: ImportJob.attempts + 1, ImportJob.updated_at: now}
        )
        .where((ImportJob.id == job_id) & (ImportJob.status == "queued"))
        .returning(ImportJob.attempts)
    )
    if not claimed:
        return
    attempt = claimed[0]["attempts"]
    row = await ImportJob.select().where(ImportJob.id == job_id).output(load_json=True).first()
    assert row is not None
    if row["rows_done"] and row["rows_done"] >= row["rows_total"]:
        # An earlier attempt committed every row and died before saying so: nothing is written again.
        await _end(job_id, attempt, "done", imported=row["rows_done"])
        return
    kind = KINDS.get(row["kind"])
    principal = await load_principal(row["started_by"])
    if kind is None or principal is None:
        await _end(
            job_id, attempt, "failed", error=translate("The account that started this import can no longer sign in")
        )
        return
    upload = await ImportUpload.select(ImportUpload.content).where(ImportUpload.job == job_id).first()
    if upload is None:
        await _end(job_id, attempt, "failed", error=translate("The import stopped on an internal error"))
        return
    progress = _Progress(job_id, attempt, row["rows_done"])
    tokens = (import_progress.set(progress), current_locale.set(row["locale"] or current_locale.get()))
    try:
        async with beating(progress.beat, f"import job {job_id}"):
            await kind.run(principal, row["filename"], unseal(upload["content"]), row["params"])
    except JobLost:
        log.warning("import job %s: another attempt took over; this one stops", job_id)
        return
    except ImportRejected as exc:
        errors = [{"row": e.row, "column": e.column, "reason": e.reason} for e in exc.errors[:MAX_ERRORS]]
        await _end(job_id, attempt, "failed", error=exc.message, errors=errors)
    except DomainError as exc:
        details = "; ".join(field_message(reason) for reason in exc.fields.values())
        await _end(job_id, attempt, "failed", error=exc.localized() + (f" ({details})" if details else ""))
    except Exception as exc:
        if is_transient(exc):  # back to the queue for ``with_retries`` to claim again
            await ImportJob.update({ImportJob.status: "queued"}).where(_this_attempt(job_id, attempt))
            raise
        # The type only: a database error's text may quote a row of the file (personal data).
        log.error("import job %s failed: %s", job_id, type(exc).__name__)
        await _end(job_id, attempt, "failed", error=translate("The import stopped on an internal error"))
    else:
        await _end(job_id, attempt, "done", imported=progress.done)
    finally:
        import_progress.reset(tokens[0])
        current_locale.reset(tokens[1])


async def _end(
    job_id: int,
    attempt: int | None,
    status: str,
    *,
    imported: int = 0,
    error: str = "",
    errors: list[dict[str, Any]] | None = None,
    still: Any = None,
) -> bool:
    """Done or failed, the stored upload deleted, in one transaction (conditional: once only)."""
    now = clock.now()
    async with write_transaction():
        ended = (
            await ImportJob.update(
                {
                    ImportJob.status: status,
                    ImportJob.imported: imported,
                    ImportJob.error: error,
                    ImportJob.errors: errors or [],
                    ImportJob.finished_at: now,
                    ImportJob.updated_at: now,
                }
            )
            .where(still if still is not None else _this_attempt(job_id, attempt or 0))
            .returning(ImportJob.id)
        )
        if not ended:
            return False
        await ImportUpload.delete().where(ImportUpload.job == job_id)
        changes: dict[str, Any] = {"status": status, "imported": imported}
        if errors:
            changes["bad_rows"] = len(errors)
        await record(None, "finish" if status == "done" else "fail", "import_job", job_id, changes)
    return True


# -- the reaper ------------------------------------------------------------------------------------


async def reap(bound_s: float | None = None) -> list[int]:
    """One pass over jobs quiet for the bound (their worker died, or their message was lost): each is
    sent again, or failed after ``MAX_ATTEMPTS`` claims. Answers the ids acted on."""
    cutoff = stale_before(bound_s)
    quiet = (
        await ImportJob.select(ImportJob.id, ImportJob.status, ImportJob.attempts)
        .where(ImportJob.status.is_in(list(ACTIVE_STATUSES)) & (ImportJob.updated_at < cutoff))
        .order_by(ImportJob.id)
    )
    return await reap_each(quiet, lambda job: _reap_one(job, cutoff), "import job")


async def _reap_one(job: dict[str, Any], cutoff: Any) -> bool:
    job_id = job["id"]
    still_quiet = (
        (ImportJob.id == job_id)
        & (ImportJob.status == job["status"])
        & (ImportJob.attempts == job["attempts"])
        & (ImportJob.updated_at < cutoff)
    )
    if job["status"] != "queued" and job["attempts"] >= MAX_ATTEMPTS:
        reason = translate("The worker importing it stopped responding {n} times", n=MAX_ATTEMPTS)
        return await _end(job_id, None, "failed", error=reason, still=still_quiet)
    async with write_transaction():
        sent = (
            await ImportJob.update({ImportJob.status: "queued", ImportJob.updated_at: clock.now()})
            .where(still_quiet)
            .returning(ImportJob.id)
        )
        if not sent:
            return False
        if job["status"] != "queued":
            await record(
                None,
                "retry",
                "import_job",
                job_id,
                {"status": [job["status"], "queued"]},
                summary="its worker stopped responding; sent to another",
            )
    log.warning("import job %s went quiet (worker lost?); sent again", job_id)
    await launch(job_id)
    return True
