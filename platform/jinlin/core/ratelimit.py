"""One token bucket for everything guessable or floodable (logins, check-in codes, registration, imports,
residents' reports, outgoing messages).

``allow(key, capacity=…, per_seconds=…)`` takes ``cost`` tokens from the bucket named ``key`` (``capacity``
tokens, refilled evenly over ``per_seconds``) and says whether there were enough. Callers build keys as
``"<purpose>:<what>"`` (``"login:account:alice"``, ``"report:address:203.0.113.9"``).

Taking a token is one atomic step, so fifty parallel attempts cannot all pass a check made before any of
them is counted: a Lua script in Redis in the services shape (every web process shares it), one
conditional UPDATE of a ``RateBucket`` row when embedded. Time comes from ``clock.now()`` so tests can
move it; a bucket untouched for ``per_seconds`` is full again and its row is pruned.
"""

from __future__ import annotations

import asyncio
from typing import Any

from jinlin.core import clock
from jinlin.core.settings import get_settings

KEY_PREFIX = "jinlin:rate:"
MAX_KEY_LENGTH = 200

# KEYS[1] bucket; ARGV capacity, refill per second, cost, now, ttl (ms). Returns 1 when the tokens were taken.
_LUA = """
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
if now > at then tokens = math.min(capacity, tokens + (now - at) * rate) end
if tokens < cost then return 0 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - cost), 'at', tostring(math.max(now, at)))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
"""

_redis_clients: dict[tuple[int, str], Any] = {}


def _client(url: str) -> Any:
    """One client per event loop (tests and workers run several loops; a client is bound to one)."""
    import redis.asyncio as redis

    key = (id(asyncio.get_running_loop()), url)
    if key not in _redis_clients:
        _redis_clients[key] = redis.from_url(url)
    return _redis_clients[key]


async def _allow_redis(
    url: str, key: str, capacity: int, rate: float, cost: int, now: float, per_seconds: float
) -> bool:
    client = _client(url)
    taken = await client.eval(_LUA, 1, KEY_PREFIX + key, capacity, rate, cost, now, int(per_seconds * 1000) + 1000)
    return bool(taken)


async def _allow_db(key: str, capacity: int, rate: float, cost: int, now: float, per_seconds: float) -> bool:
    from jinlin.core.tables import RateBucket

    await RateBucket.raw(
        "INSERT INTO rate_bucket (name, tokens, stamp, idle_at) VALUES ({}, {}, {}, {}) ON CONFLICT (name) DO NOTHING",
        key,
        float(capacity),
        now,
        now + per_seconds,
    )
    # The refill never goes backwards: a parallel attempt that read the clock earlier adds nothing.
    gained = "(CASE WHEN {} > stamp THEN ({} - stamp) * {} ELSE 0 END)"
    refilled = f"(CASE WHEN tokens + {gained} > {{}} THEN {{}} ELSE tokens + {gained} END)"
    refill_args = (now, now, rate, float(capacity), float(capacity), now, now, rate)
    # One statement: the refill, the check and the take cannot be split by a concurrent attempt.
    rows = await RateBucket.raw(
        f"UPDATE rate_bucket SET tokens = {refilled} - {{}}, stamp = CASE WHEN {{}} > stamp THEN {{}} ELSE stamp END, "
        f"idle_at = {{}} WHERE name = {{}} AND {refilled} >= {{}} RETURNING name",
        *refill_args,
        float(cost),
        now,
        now,
        now + per_seconds,
        key,
        *refill_args,
        float(cost),
    )
    return bool(rows)


async def allow(key: str, *, capacity: int, per_seconds: float, cost: int = 1) -> bool:
    key = key[:MAX_KEY_LENGTH]
    rate = capacity / per_seconds
    now = clock.now().timestamp()
    url = get_settings().redis_url
    if url:
        return await _allow_redis(url, key, capacity, rate, cost, now, per_seconds)
    return await _allow_db(key, capacity, rate, cost, now, per_seconds)


_LUA_REFUND = """
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens'))
if tokens then redis.call('HSET', KEYS[1], 'tokens', tostring(math.min(tonumber(ARGV[1]), tokens + tonumber(ARGV[2])))) end
return 1
"""


async def refund(key: str, *, capacity: int, cost: int = 1) -> None:
    """Give back tokens taken by ``allow`` (a login that turned out right costs nothing)."""
    key = key[:MAX_KEY_LENGTH]
    url = get_settings().redis_url
    if url:
        await _client(url).eval(_LUA_REFUND, 1, KEY_PREFIX + key, capacity, cost)
        return
    from jinlin.core.tables import RateBucket

    await RateBucket.raw(
        "UPDATE rate_bucket SET tokens = CASE WHEN tokens + {} > {} THEN {} ELSE tokens + {} END WHERE name = {}",
        float(cost),
        float(capacity),
        float(capacity),
        float(cost),
        key,
    )


async def prune() -> int:
    """Delete the embedded shape's full buckets (Redis expires its own keys)."""
    from jinlin.core.tables import RateBucket

    rows = await RateBucket.delete().where(RateBucket.idle_at < clock.now().timestamp()).returning(RateBucket.id)
    return len(rows)


async def reset() -> None:
    """Forget every bucket (tests)."""
    from jinlin.core.tables import RateBucket

    url = get_settings().redis_url
    if url:
        client = _client(url)
        keys = [k async for k in client.scan_iter(match=KEY_PREFIX + "*")]
        if keys:
            await client.delete(*keys)
    await RateBucket.delete(force=True)
