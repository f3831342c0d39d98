"""/healthz: is the database reachable, and the broker (or are tasks running in-process)?"""

from __future__ import annotations

import asyncio

from litestar import Response, get

from jinlin.core.db import get_engine
from jinlin.core.settings import get_settings


async def _database_ok() -> bool:
    try:
        await asyncio.wait_for(get_engine().run_ddl("SELECT 1"), timeout=5)
        return True
    except Exception:
        return False


async def _broker_state() -> str:
    url = get_settings().redis_url
    if url is None:
        return "eager"
    from redis.asyncio import Redis

    client = Redis.from_url(url, socket_connect_timeout=2)
    try:
        await asyncio.wait_for(client.ping(), timeout=3)
        return "ok"
    except Exception:
        return "down"
    finally:
        await client.aclose()


@get("/livez", tags=["health"])
async def livez() -> dict[str, str]:
    """Is the process serving at all (a liveness probe; touches nothing). The benchmarks' baseline:
    the cheapest route of the same app, behind the same middleware."""
    return {"status": "ok"}


@get("/healthz", tags=["health"])
async def healthz() -> Response[dict[str, str]]:
    database = "ok" if await _database_ok() else "down"
    broker = await _broker_state()
    body = {"status": "ok", "database": database, "broker": broker}
    down = [name for name, state in (("database", database), ("broker", broker)) if state == "down"]
    if down:
        body["status"] = "down"
        body["down"] = ", ".join(down)
        return Response(body, status_code=503)
    return Response(body)
