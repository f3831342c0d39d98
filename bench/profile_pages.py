"""Time (and optionally profile) list requests and pages in-process against a seeded database.

    JINLIN_DATABASE_URL=sqlite:////path/city.db python bench/profile_pages.py [--profile PATH] [--n 20]

Logs in as the demo accounts (one per role), then for each (account, path) prints the median and p95 of
``--n`` requests and the number of SQL statements one request ran. With ``--profile PATH`` it prints a
pyinstrument profile of that one path (as the first account that may open it). A tool for issue #10,
not part of ``make test``; the wrk figures under load come from ``bench_city.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import time

import httpx

PASSWORD = "jinlin-demo"
CASES = [
    ("county", "/api/v1/needs?limit=50", "api"),
    ("county", "/api/v1/activities?limit=50", "api"),
    ("county", "/needs", "page"),
    ("county", "/activities", "page"),
    ("county", "/", "page"),
    ("county", "/offers", "page"),
    ("county", "/matches", "page"),
    ("county", "/resident-reports", "page"),
    ("street", "/", "page"),
    ("street", "/needs", "page"),
    ("street", "/matches", "page"),
    ("staff", "/", "page"),
    ("staff", "/needs", "page"),
    ("grid", "/", "page"),
    ("unit", "/", "page"),
    ("unit", "/needs", "page"),
    ("unit", "/offers", "page"),
    ("unit", "/matches", "page"),
    ("volunteer", "/", "page"),
    ("volunteer", "/activities", "page"),
    ("volunteer", "/my/shifts", "page"),
]


def count_statements(engine) -> list[int]:
    """Count statements the engine runs (both engines funnel through run_querystring/run_ddl)."""
    counter = [0]
    cls = type(engine)  # engines have __slots__: patch the class (this process has one engine)
    for name in ("run_querystring", "run_ddl"):
        original = getattr(cls, name)

        async def counted(self, *a, _original=original, **kw):
            counter[0] += 1
            return await _original(self, *a, **kw)

        setattr(cls, name, counted)
    return counter


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--profile", default=None)
    parser.add_argument("--as", dest="user", default=None, help="the account to profile as")
    parser.add_argument("--only", default=None, help="a substring of the paths to time")
    parser.add_argument("--user", dest="only_user", default=None, help="time only this account's pages")
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)

    from jinlin.app import create_app
    from jinlin.core import db

    engine = db.make_engine(os.environ["JINLIN_DATABASE_URL"])
    async with db.lifespan_db(engine):
        counter = count_statements(engine)
        app = create_app(manage_database=False)
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            creds: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
            for user in sorted({u for u, _, _ in CASES}):
                r = await client.post("/api/v1/auth/login", json={"username": user, "password": PASSWORD})
                r.raise_for_status()
                creds[user] = (
                    {"Authorization": f"Bearer {r.json()['token']}"},
                    {"Cookie": "; ".join(f"{k}={v}" for k, v in r.cookies.items())},
                )
            client.cookies.clear()
            if args.profile:
                from pyinstrument import Profiler

                user, _, kind = next(c for c in CASES if c[1] == args.profile and c[0] == (args.user or c[0]))
                headers = creds[user][0 if kind == "api" else 1]
                await client.get(args.profile, headers=headers)
                profiler = Profiler(async_mode="enabled")
                with profiler:
                    for _ in range(args.n):
                        await client.get(args.profile, headers=headers)
                print(profiler.output_text(unicode=True, color=False, show_all=False))
                return
            print("| account | path | status | median ms | p95 ms | median CPU ms | statements |")
            for user, path, kind in CASES:
                if (args.only and args.only not in path) or (args.only_user and args.only_user != user):
                    continue
                headers = creds[user][0 if kind == "api" else 1]
                r = await client.get(path, headers=headers)
                times, cpu = [], []
                for _ in range(args.n):
                    counter[0] = 0
                    started, cpu_started = time.perf_counter(), time.process_time()
                    r = await client.get(path, headers=headers)
                    times.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - cpu_started) * 1000)
                times.sort()
                p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
                print(
                    f"| {user} | {path} | {r.status_code} | {statistics.median(times):.1f} | {p95:.1f} | "
                    f"{statistics.median(cpu):.1f} | {counter[0]} |",
                    flush=True,
                )


if __name__ == "__main__":
    asyncio.run(main())
