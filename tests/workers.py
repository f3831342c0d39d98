"""Real Celery workers over Redis for the services-shape tests (runs, import jobs): start them on a queue of
their own, stall one at a chosen point, kill it with SIGKILL. Importable from any test (``workers``)."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from support import REDIS_URL, ROOT, VAR, require_or_skip

WORKER_SCRIPT = """
import sys
from jinlin.core.celery import celery_app
STALL = sys.argv[2] if len(sys.argv) > 2 else ""
if STALL:
    # A worker that stops at one point of the run (and writes a mark there) so that a test can kill it
    # exactly there; the heartbeat keeps beating until the kill, as a busy worker's would.
    import asyncio, dataclasses, pathlib, time
    mark = pathlib.Path(sys.argv[3])
    if STALL == "loading":
        from jinlin.runs import registry
        async def stalled_load(run):
            mark.write_text("loading")
            await asyncio.sleep(600)
        registry.install([dataclasses.replace(registry.spec_for("allocation"), load=stalled_load)])
    elif STALL == "import":
        # An import job that stops after its first batch has committed (and its progress with it).
        from jinlin.core import tabular
        async def stalled_yield():
            mark.write_text("import")
            await asyncio.sleep(600)
        tabular.yield_to_writers = stalled_yield
    elif STALL == "part":
        from jinlin.runs import parts
        def stalled_solve(document):
            mark.write_text("part")
            time.sleep(600)
        parts.solve_document = stalled_solve
celery_app.conf.task_default_queue = sys.argv[1]
celery_app.worker_main(["worker", "--pool=solo", "--loglevel=INFO", "-Q", sys.argv[1], "--without-gossip",
                        "--without-mingle", "--without-heartbeat", "-n", sys.argv[1] + STALL + "@%h"])
"""


class Workers:
    """Start real Celery workers (solo pool) on one queue; each can be killed with SIGKILL."""

    def __init__(self, database_url: str, queue: str, extra_env: dict[str, str]) -> None:
        self.queue = queue
        self.env = {
            **os.environ,
            "JINLIN_DATABASE_URL": database_url,
            "JINLIN_REDIS_URL": REDIS_URL or "",
            "PYTHONPATH": str(ROOT / "platform") + os.pathsep + str(ROOT),
            **extra_env,
        }
        self.procs: list[tuple[subprocess.Popen, Path, object]] = []

    def start(self, stall: str = "", mark: Path | None = None) -> subprocess.Popen:
        VAR.mkdir(parents=True, exist_ok=True)
        log_path = VAR / f"worker-{self.queue}-{len(self.procs)}.log"
        log = open(log_path, "w")  # noqa: SIM115 - closed in stop_all
        args = [os.sys.executable, "-c", WORKER_SCRIPT, self.queue] + ([stall, str(mark)] if stall else [])
        proc = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append((proc, log_path, log))
        deadline = time.monotonic() + 60
        while "ready." not in log_path.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start: {log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        return proc

    def stop_all(self) -> None:
        for proc, log_path, log in self.procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            log.close()  # type: ignore[attr-defined]
            if os.environ.get("JINLIN_KEEP_WORKER_LOGS") != "1":
                log_path.unlink(missing_ok=True)


@contextmanager
def services_shape(database_url: str, extra_env: dict[str, str]) -> Iterator[Workers]:
    if database_url.startswith("sqlite"):
        pytest.skip("the real-worker shape runs on PostgreSQL")
    if not REDIS_URL:
        require_or_skip("real-worker tests need JINLIN_TEST_REDIS_URL")
    from jinlin.core.celery import celery_app, configure
    from jinlin.core.settings import get_settings, load_settings

    queue = f"jinlin-test-{uuid.uuid4().hex[:10]}"
    workers = Workers(database_url, queue, extra_env)
    configure(load_settings({**os.environ, "JINLIN_REDIS_URL": REDIS_URL, **extra_env}))
    old_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    try:
        yield workers
    finally:
        celery_app.conf.task_default_queue = old_queue
        configure(get_settings())
        workers.stop_all()
