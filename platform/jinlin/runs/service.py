"""匹配批次 rules: who may start a run over which area, one live run per kind and area at a time,
and the run body (claim → load → solve per component → save) with its progress on the row.

A run is claimed with a conditional update (queued → running), beats a heartbeat (``updated_at``)
while it works, progress writes only land while the run is still running (so a cancel stops it between
components), and the proposals are written in the same transaction as the final running → succeeded
update. A duplicated or retried task therefore never duplicates proposals. A run whose worker died
stops beating; the reaper (``runs/reaper.py``) hands it to another worker or fails it with a reason.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from typing import Any

from piccolo.columns import Column

import matching
from jinlin.areas.choices import within
from jinlin.areas.tables import Area
from jinlin.audit.service import record
from jinlin.auth.principal import AREA_ADMIN_ROLES, STAFF_ROLES, Principal
from jinlin.core import celery, clock
from jinlin.core.db import is_transient, serialise, write_transaction
from jinlin.core.errors import Conflict, Forbidden, Invalid, NotFound, WrongStatus
from jinlin.core.pagination import Page, PageRequest
from jinlin.core.settings import get_settings
from jinlin.runs.registry import registered, spec_for
from jinlin.runs.schemas import MatchRunIn, MatchRunOut
from jinlin.runs.tables import ACTIVE_STATUSES, MatchRun

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # claims of one run (or part) before the reaper gives up on it
# Progress milestones: loading up to LOADED, solving up to SOLVED (per part), then saving.
LOADED, SOLVED = 0.15, 0.9
_LOCK_KEY = 7_410_551  # pg_advisory_xact_lock key serialising run starts on PostgreSQL

_background: dict[int, asyncio.Task[None]] = {}


class RunStopped(Exception):
    """The run is no longer ours to advance (cancelled, or claimed by another worker)."""


def to_out(row: dict[str, Any]) -> MatchRunOut:
    return MatchRunOut(
        id=row["id"],
        kind=row["kind"],
        area_id=row["area"],
        options=row["options"] or {},
        status=row["status"],
        progress=round(float(row["progress"] or 0.0), 4),
        phase=row["phase"],
        objective=row["objective"],
        bound=row["bound"],
        solver_status=row["solver_status"],
        stats=row["stats"] or {},
        proposals=row["proposals"],
        error=row["error"],
        published_at=row["published_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def get_row(run_id: int) -> dict[str, Any]:
    row = await MatchRun.select().where(MatchRun.id == run_id).output(load_json=True).first()
    if row is None:
        raise NotFound("Match run not found")
    return row


async def visible_row(principal: Principal, run_id: int) -> dict[str, Any]:
    row = await get_row(run_id)
    spec = spec_for(row["kind"])
    if not principal.covers_area(row["area_path"], STAFF_ROLES) and not (
        spec.can_view is not None and await spec.can_view(principal, row)
    ):
        raise NotFound("Match run not found")
    return row


async def may_manage(principal: Principal, row: dict[str, Any]) -> bool:
    """Who may cancel (or publish) a run: the kind's rule, else its roles over the run's area."""
    spec = spec_for(row["kind"])
    if spec.can_manage is not None:
        return await spec.can_manage(principal, row)
    return principal.covers_area(row["area_path"], spec.roles)


async def areas_in_charge(principal: Principal) -> list[dict[str, Any]]:
    """The areas the principal may run over: their own, and (county/street) the ones right below."""
    out: dict[int, dict[str, Any]] = {}
    for m in principal.memberships:
        if m.role not in AREA_ADMIN_ROLES:
            continue
        for row in (
            await Area.select(Area.id, Area.name, Area.level, Area.path)
            .where((Area.id == m.area_id) | ((Area.parent == m.area_id) & (Area.level.is_in(["street", "community"]))))
            .order_by(Area.path)
        ):
            if m.role != "community_admin" or row["id"] == m.area_id:
                out[row["id"]] = row
    return sorted(out.values(), key=lambda r: r["path"])


async def area_of(run: MatchRunOut) -> dict[str, Any] | None:
    return await Area.select(Area.name).where(Area.id == run.area_id).first()


async def get_run(principal: Principal, run_id: int) -> MatchRunOut:
    return to_out(await visible_row(principal, run_id))


async def get_result(principal: Principal, run_id: int) -> dict[str, Any]:
    row = await visible_row(principal, run_id)
    return {"run": to_out(row), "result": row["result"] or {}}


async def list_runs(
    principal: Principal,
    paging: PageRequest,
    *,
    kind: str | None = None,
    status: str | None = None,
    area_id: int | None = None,
) -> Page[MatchRunOut]:
    mine = within(MatchRun.area_path, principal.area_paths(STAFF_ROLES))
    if mine is None:
        return paging.page([], 0)
    where = [mine]
    if kind:
        where.append(MatchRun.kind == kind)
    if status:
        where.append(MatchRun.status == status)
    if area_id is not None:
        area = await Area.select(Area.path).where(Area.id == area_id).first()
        if area is None:
            return paging.page([], 0)
        where.append(MatchRun.area_path.like(f"{area['path']}%"))
    query = MatchRun.select().order_by(MatchRun.id, ascending=False)
    count = MatchRun.count()
    for w in where:
        query, count = query.where(w), count.where(w)
    rows = await query.limit(paging.limit).offset(paging.offset).output(load_json=True)
    return paging.page([to_out(r) for r in rows], await count)


async def _serialise_starts() -> None:
    await serialise(_LOCK_KEY)


async def create_run(principal: Principal, data: MatchRunIn) -> dict[str, Any]:
    """Check scope and overlap, and insert the queued run (the caller launches it)."""
    if data.kind not in registered():
        raise Invalid("Unknown run kind", {"kind": f"one of {', '.join(registered())}"})
    spec = spec_for(data.kind)
    options = {
        k: v
        for k, v in {"time_limit_s": data.time_limit_s, "fan_out": data.fan_out, "period": data.period}.items()
        if v is not None
    }
    if spec.prepare is not None:
        area_id, own = await spec.prepare(principal, data.area_id, dict(data.options))
        options.update(own)
    else:
        if data.options:
            raise Invalid("This kind of run takes no options", {"options": "not for this kind"})
        if data.area_id is None:
            raise Invalid("Choose an area", {"area_id": "required"})
        area_id = data.area_id
    area = await Area.select().where(Area.id == area_id).first()
    if area is None:
        raise NotFound("Area not found")
    if spec.prepare is None and not principal.covers_area(area["path"], spec.roles):
        raise Forbidden("You are not in charge of this area")
    now = clock.now()
    async with write_transaction():
        await _serialise_starts()
        live = (
            await MatchRun.select(MatchRun.id, MatchRun.area_path, MatchRun.options)
            .where((MatchRun.kind == data.kind) & MatchRun.status.is_in(list(ACTIVE_STATUSES)))
            .output(load_json=True)
        )
        for other in live:
            if _clashes(spec.exclusive_by, area["path"], options, other):
                message = (
                    "A run like this one is still going"
                    if spec.exclusive_by
                    else "A run over an overlapping area is still going"
                )
                raise Conflict(message, {"run_id": str(other["id"])}, code="run_in_progress")
        run = MatchRun(
            kind=data.kind,
            area=area["id"],
            area_path=area["path"],
            options=options,
            status="queued",
            requested_by=principal.account_id,
            created_at=now,
            updated_at=now,
        )
        await run.save()
        await record(
            principal,
            "start",
            "match_run",
            run.id,
            {"kind": data.kind, "area_id": area["id"], **options},
            summary=f"{data.kind} run over {area['name']}",
        )
    return await get_row(run.id)


def _clashes(exclusive_by: tuple[str, ...], path: str, options: dict[str, Any], other: dict[str, Any]) -> bool:
    """Two live runs of a kind clash over overlapping areas, or (``exclusive_by``) over equal options."""
    if exclusive_by:
        theirs = other["options"] or {}
        return all(options.get(k) == theirs.get(k) for k in exclusive_by)
    return other["area_path"].startswith(path) or path.startswith(other["area_path"])


async def start_run(principal: Principal, data: MatchRunIn) -> MatchRunOut:
    row = await create_run(principal, data)
    await launch(row["id"])
    return to_out(await get_row(row["id"]))


async def launch(run_id: int) -> None:
    """Hand the run to a worker, or (embedded shape) run it as a background task of this process."""
    from jinlin.core.celery import celery_app, with_retries

    if celery_app.conf.task_always_eager:
        task = asyncio.get_running_loop().create_task(with_retries(execute, run_id))
        _background[run_id] = task
        task.add_done_callback(lambda _t: _background.pop(run_id, None))
        return
    # Sent by name: the tasks module imports this one, not the other way round.
    result = celery_app.send_task("jinlin.runs.tasks.execute_run", args=[run_id])
    await MatchRun.update({MatchRun.task_id: result.id}).where(MatchRun.id == run_id)


async def wait_for(run_id: int, timeout: float = 120.0) -> dict[str, Any]:
    """Wait until the run has finished (embedded: its background task; a worker: poll the row)."""
    task = _background.get(run_id)
    if task is not None:
        await asyncio.wait_for(asyncio.shield(task), timeout)
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        row = await get_row(run_id)
        if row["status"] not in ACTIVE_STATUSES:
            return row
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"run {run_id} still {row['status']} after {timeout} s")
        await asyncio.sleep(0.1)


async def cancel_run(principal: Principal, run_id: int) -> MatchRunOut:
    row = await visible_row(principal, run_id)
    if not await may_manage(principal, row):
        raise Forbidden("You are not in charge of this area")
    now = clock.now()
    async with write_transaction():
        done = (
            await MatchRun.update(
                {
                    MatchRun.status: "cancelled",
                    MatchRun.finished_at: now,
                    MatchRun.updated_at: now,
                    MatchRun.phase: "cancelled",
                }
            )
            .where((MatchRun.id == run_id) & MatchRun.status.is_in(list(ACTIVE_STATUSES)))
            .returning(MatchRun.id)
        )
        if not done:
            raise WrongStatus("The run", row["status"], "cancel")
        await record(principal, "cancel", "match_run", run_id, {"status": [row["status"], "cancelled"]})
    return to_out(await get_row(run_id))


async def publish_run(principal: Principal, run_id: int) -> MatchRunOut:
    """Publish a run's proposals: both sides of each proposed match are notified."""
    row = await visible_row(principal, run_id)
    if not await may_manage(principal, row):
        raise Forbidden("You are not in charge of this area")
    if not spec_for(row["kind"]).publishable:
        raise Conflict(
            "This kind of run sends its proposals when it finishes", {"kind": row["kind"]}, code="not_publishable"
        )
    now = clock.now()
    async with write_transaction():
        done = (
            await MatchRun.update({MatchRun.published_at: now, MatchRun.updated_at: now})
            .where((MatchRun.id == run_id) & (MatchRun.status == "succeeded") & MatchRun.published_at.is_null())
            .returning(MatchRun.id)
        )
        if not done:
            current = "published" if row["published_at"] else row["status"]
            raise WrongStatus("The run", current, "publish")
        spec = spec_for(row["kind"])
        if spec.publish is not None:
            await spec.publish(run_id, now)
        await record(
            principal,
            "publish",
            "match_run",
            run_id,
            {"published_at": [None, now.isoformat()]},
            summary=f"published {row['proposals']} proposals",
        )
    return to_out(await get_row(run_id))


# ------------------------------------------------------------------------------------------ the run body


async def claim(run_id: int) -> dict[str, Any] | None:
    """queued → running; None if not ours (a duplicate task, or a run another worker holds: a dead
    worker's run goes back to queued through the reaper, never straight to a second worker)."""
    now = clock.now()
    took = (
        await MatchRun.update(
            {
                MatchRun.status: "running",
                MatchRun.started_at: now,
                MatchRun.updated_at: now,
                MatchRun.phase: "loading",
                MatchRun.progress: 0.02,
                MatchRun.attempts: MatchRun.attempts + 1,
            }
        )
        .where((MatchRun.id == run_id) & (MatchRun.status == "queued"))
        .returning(MatchRun.id)
    )
    return await get_row(run_id) if took else None


def heartbeat_every_s() -> float:
    return celery.heartbeat_every_s()


@asynccontextmanager
async def heartbeat(run_id: int, beat: Callable[[], Awaitable[None]] | None = None) -> AsyncIterator[None]:
    """Keep the run's ``updated_at`` fresh while this block works (solving runs in a thread, so the
    loop is free to beat); a worker killed mid-block stops beating and the reaper notices."""

    async def default_beat() -> None:
        await MatchRun.update({MatchRun.updated_at: clock.now()}).where(
            (MatchRun.id == run_id) & (MatchRun.status == "running")
        )

    async with celery.beating(beat or default_beat, f"run {run_id}"):
        yield


async def advance(run_id: int, progress: float, phase: str, **fields: Any) -> None:
    """Write progress; raises RunStopped when the run is no longer running (cancelled)."""
    values: dict[Column | str, Any] = {
        MatchRun.progress: progress,
        MatchRun.phase: phase,
        MatchRun.updated_at: clock.now(),
    }
    values.update({getattr(MatchRun, k): v for k, v in fields.items()})
    done = (
        await MatchRun.update(values)
        .where((MatchRun.id == run_id) & (MatchRun.status == "running"))
        .returning(MatchRun.id)
    )
    if not done:
        raise RunStopped(run_id)


async def part_done(run_id: int) -> None:
    """One more sub-problem solved: parts_done += 1 and the progress bar moves."""
    async with write_transaction():
        row = (
            await MatchRun.select(MatchRun.parts_done, MatchRun.parts_total, MatchRun.status)
            .where(MatchRun.id == run_id)
            .first()
        )
        if row is None or row["status"] != "running":
            return
        done = row["parts_done"] + 1
        total = max(row["parts_total"], done)
        await advance(run_id, LOADED + (SOLVED - LOADED) * done / total, f"solving {done}/{total}", parts_done=done)


def solution_from_dict(doc: dict[str, Any]) -> matching.Solution:
    return matching.Solution(
        kind=doc["kind"],
        status=doc["status"],
        objective=doc.get("objective"),
        bound=doc.get("bound"),
        assignments=doc.get("assignments", []),
        unmatched=doc.get("unmatched", []),
        stats=doc.get("stats", {}),
    )


def should_fan_out(run: dict[str, Any], problem: Any, parts: list[Any]) -> bool:
    forced = (run["options"] or {}).get("fan_out")
    if len(parts) < 2:
        return False
    if forced is not None:
        return bool(forced)
    size = len(getattr(problem, "needs", [])) + len(getattr(problem, "offers", []))
    return size >= get_settings().match_run_fanout_threshold


FanOut = Callable[[int, list[Any]], Awaitable[None]]


async def execute(run_id: int, *, fan_out: FanOut | None = None) -> None:
    """The run body: claim → load → solve (per component) → save. ``fan_out(run_id, parts)``: hand
    the parts to workers when the run is big enough (the services shape); otherwise solve them here.

    A transient database error puts the run back in the queue and is raised again, so the caller
    retries with back-off (``core.celery.run_body``); any other error fails the run with its reason.
    """
    run = await claim(run_id)
    if run is None:
        log.info("run %s is not queued (duplicate or finished task); nothing to do", run_id)
        return
    try:
        async with heartbeat(run_id):
            spec = spec_for(run["kind"])
            problem, summary = await spec.load(run)
            parts = matching.components(problem) if spec.decomposable else [problem]
            parts = parts or [problem]
            stats = {"needs": len(getattr(problem, "needs", [])), "offers": len(getattr(problem, "offers", []))}
            await advance(
                run_id,
                LOADED,
                f"solving 0/{len(parts)}",
                parts_total=len(parts),
                parts_done=0,
                result=summary,
                stats=stats,
            )
            if fan_out is not None and should_fan_out(run, problem, parts):
                await fan_out(run_id, parts)
                return
            solutions = []
            for part in parts:
                solutions.append(await asyncio.to_thread(spec.solve, part, None))
                await part_done(run_id)
            await finish(run_id, summary, matching.merge(solutions))
    except RunStopped:
        log.info("run %s stopped (cancelled)", run_id)
    except Exception as exc:
        if is_transient(exc):
            log.warning("run %s hit a transient database error; back to the queue", run_id, exc_info=True)
            with suppress(Exception):
                await MatchRun.update(
                    {MatchRun.status: "queued", MatchRun.phase: "", MatchRun.updated_at: clock.now()}
                ).where((MatchRun.id == run_id) & (MatchRun.status == "running"))
            raise
        log.exception("run %s failed", run_id)
        await fail(run_id, exc)


async def finish(run_id: int, summary: dict[str, Any], solution: matching.Solution) -> None:
    await advance(run_id, SOLVED, "saving")
    now = clock.now()
    async with write_transaction():
        run = await get_row(run_id)
        if run["status"] != "running":
            raise RunStopped(run_id)
        proposals, result = await spec_for(run["kind"]).save(run, summary, solution)
        ok = solution.status != "no_solution"
        stats = {**(run["stats"] or {}), **solution.stats}
        done = (
            await MatchRun.update(
                {
                    MatchRun.status: "succeeded" if ok else "failed",
                    MatchRun.progress: 1.0,
                    MatchRun.phase: "done",
                    MatchRun.objective: solution.objective,
                    MatchRun.bound: solution.bound,
                    MatchRun.solver_status: solution.status,
                    MatchRun.stats: stats,
                    MatchRun.result: result,
                    MatchRun.proposals: proposals,
                    MatchRun.finished_at: now,
                    MatchRun.updated_at: now,
                    MatchRun.error: "" if ok else "the time limit ran out before any solution",
                }
            )
            .where((MatchRun.id == run_id) & (MatchRun.status == "running"))
            .returning(MatchRun.id)
        )
        if not done:
            raise RunStopped(run_id)  # rolls the proposals back with it
        await record(
            None,
            "finish",
            "match_run",
            run_id,
            {
                "status": ["running", "succeeded" if ok else "failed"],
                "proposals": proposals,
                "objective": solution.objective,
            },
            summary=f"{run['kind']} run: {proposals} proposals",
        )


async def fail(run_id: int, exc: BaseException) -> None:
    now = clock.now()
    async with write_transaction():
        done = (
            await MatchRun.update(
                {
                    MatchRun.status: "failed",
                    MatchRun.error: f"{type(exc).__name__}: {exc}"[:2000],
                    MatchRun.finished_at: now,
                    MatchRun.updated_at: now,
                    MatchRun.phase: "failed",
                }
            )
            .where((MatchRun.id == run_id) & (MatchRun.status == "running"))
            .returning(MatchRun.id)
        )
        if done:
            await record(None, "fail", "match_run", run_id, {"status": ["running", "failed"], "error": str(exc)[:500]})
