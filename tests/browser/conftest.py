"""Browser tests: a real uvicorn-served app on its own migrated SQLite file, driven by Playwright
in Debian's Chromium (never a downloaded browser; see STACK-NOTES.md).

``live_server.url`` is the base URL; ``live_server.run(fn, *args)`` runs an async function (factories,
services) against the same database from the test, so each test sets up its own data.
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
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from support import ROOT, require_or_skip
from support import VAR as _VAR

CHROMIUM = os.environ.get("JINLIN_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    database_url: str
    env: dict[str, str]

    def run(self, fn: Callable[..., Coroutine[Any, Any, Any]], *args: Any) -> Any:
        """Run ``fn(*args)`` with the tables bound to this server's database."""
        from jinlin.core import db

        async def main() -> Any:
            async with db.lifespan_db(db.make_engine(self.database_url)):
                return await fn(*args)

        # Sync Playwright keeps an event loop running in this thread, so run ours in another one.
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, main()).result()


@pytest.fixture
def live_server(sqlite_template: Path) -> Iterator[LiveServer]:
    path = _VAR / f"live-{uuid.uuid4().hex}.db"
    shutil.copyfile(sqlite_template, path)
    port = _free_port()
    env = {**os.environ, "JINLIN_DATABASE_URL": f"sqlite:///{path}", "JINLIN_LOCALE": "zh_CN"}
    env.pop("JINLIN_REDIS_URL", None)
    log = open(_VAR / f"live-{port}.log", "w")  # noqa: SIM115 - closed below
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
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            log.close()
            raise RuntimeError(f"live server did not start: {(_VAR / f'live-{port}.log').read_text()[-2000:]}")
        time.sleep(0.2)
    try:
        yield LiveServer(url=url, database_url=f"sqlite:///{path}", env=env)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        require_or_skip(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_or_skip("browser tests need the playwright package")
    pw = sync_playwright().start()
    b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
    try:
        yield b
    finally:
        b.close()
        pw.stop()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A phone-sized page (390 × 844), Chinese by default like the product."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    context.set_default_timeout(15000)
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


def login(page: Any, base_url: str, username: str, password: str) -> None:
    """Log in through the form (the page stays on the home page afterwards)."""
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")
