"""Schema-driven fuzzing of the whole API (schemathesis over the app's own OpenAPI document).

A real server (uvicorn, its own SQLite copy holding a small world) is called as a county admin and as a
volunteer, a bounded number of generated cases per operation; every answer must be free of 5xx and match
the documented schema. ``JINLIN_FUZZ_EXAMPLES`` raises the count for a longer local run.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from support import ROOT
from support import VAR as _VAR

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

EXAMPLES = int(os.environ.get("JINLIN_FUZZ_EXAMPLES", "6"))
# Starting a matching run solves an instance in the server: correct, but slow to repeat per generated case.
SLOW = {("POST", "/api/v1/match-runs"), ("POST", "/api/v1/activities/{activity_id}/roster-runs")}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _seed(url: str) -> None:
    from factories import make_need, make_offer, make_world
    from jinlin.core import db

    async with db.lifespan_db(db.make_engine(url)):
        w = await make_world()
        await make_need("admin_a", w.orgs["comm_a"])
        await make_offer("liaison", w.orgs["enterprise"])


@pytest.fixture(scope="module")
def server(sqlite_template: Path):
    path = _VAR / f"fuzz-{uuid.uuid4().hex}.db"
    shutil.copyfile(sqlite_template, path)
    database_url = f"sqlite:///{path}"
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _seed(database_url)).result()
    port = _free_port()
    env = {**os.environ, "JINLIN_DATABASE_URL": database_url, "JINLIN_LOGIN_ATTEMPTS_PER_MINUTE": "50"}
    env.pop("JINLIN_REDIS_URL", None)
    log = open(_VAR / f"fuzz-{port}.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "jinlin", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert proc.poll() is None and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.2)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def _token(url: str, username: str) -> dict[str, str]:
    from factories import PASSWORD

    r = httpx.post(f"{url}/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _first_line(exc: BaseException) -> str:
    inner = getattr(exc, "exceptions", None)
    return "; ".join(_first_line(e) for e in inner) if inner else (str(exc).strip().splitlines() or [""])[0][:200]


@pytest.mark.parametrize("username", ["county", "volunteer"])
def test_no_operation_answers_5xx_or_off_schema(server, username):
    schema = schemathesis.openapi.from_url(f"{server}/schema/openapi.json")
    headers = _token(server, username)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SLOW or operation.path.endswith("/auth/logout"):
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case) -> None:
            response = case.call(base_url=server, headers=headers, timeout=30)
            try:
                case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
            except Exception as exc:  # schemathesis reports failed checks as an exception group
                failures.append(
                    f"{case.method.upper()} {case.path} {response.status_code}: "
                    f"{_first_line(exc)} <- {case.path_parameters} {case.query} {str(case.body)[:160]}"
                )
                raise

        recorded = len(failures)
        try:
            run()
        except Exception as exc:  # a failed check was recorded above; anything else is too
            if len(failures) == recorded:
                failures.append(f"{operation.method.upper()} {operation.path}: {_first_line(exc)}")
    assert not failures, f"{len(failures)} failing operations:\n" + "\n".join(failures)
