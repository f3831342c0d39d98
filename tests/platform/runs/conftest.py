"""Fixtures of the run tests: helpers importable as ``runs_data``, and a real Celery worker over Redis."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


import os
import subprocess
import time
import uuid
from collections.abc import Iterator

import pytest

from support import REDIS_URL, ROOT, VAR, require_or_skip

WORKER_SCRIPT = """
import sys
from jinlin.core.celery import celery_app
celery_app.conf.task_default_queue = sys.argv[1]
celery_app.worker_main(["worker", "--pool=solo", "--loglevel=INFO", "-Q", sys.argv[1], "--without-gossip",
                        "--without-mingle", "--without-heartbeat", "-n", sys.argv[1] + "@%h"])
"""


@pytest.fixture
def celery_worker(database_url: str) -> Iterator[str]:
    """A real Celery worker (solo pool) on the test's PostgreSQL database and the test Redis.

    The test process is switched to the services shape for the test (``core.celery.configure``) and
    back afterwards. A queue of its own keeps other test sessions' workers from taking its tasks.
    Yields the queue name; the worker is always stopped.
    """
    if database_url.startswith("sqlite"):
        pytest.skip("the real-worker shape runs on PostgreSQL")
    if not REDIS_URL:
        require_or_skip("real-worker tests need JINLIN_TEST_REDIS_URL")
    from jinlin.core.celery import celery_app, configure
    from jinlin.core.settings import get_settings, load_settings

    queue = f"jinlin-test-{uuid.uuid4().hex[:10]}"
    env = {**os.environ, "JINLIN_DATABASE_URL": database_url, "JINLIN_REDIS_URL": REDIS_URL,
           "PYTHONPATH": str(ROOT / "platform") + os.pathsep + str(ROOT)}
    VAR.mkdir(parents=True, exist_ok=True)
    log_path = VAR / f"worker-{queue}.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([os.sys.executable, "-c", WORKER_SCRIPT, queue], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    configure(load_settings({**os.environ, "JINLIN_REDIS_URL": REDIS_URL}))
    old_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    try:
        deadline = time.monotonic() + 60
        while "ready." not in log_path.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start: {log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        yield queue
    finally:
        celery_app.conf.task_default_queue = old_queue
        configure(get_settings())
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        if os.environ.get("JINLIN_KEEP_WORKER_LOGS") != "1":
            log_path.unlink(missing_ok=True)
