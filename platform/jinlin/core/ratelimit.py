"""One token bucket for everything guessable or floodable (logins, check-in codes, registration, imports,
residents' reports, outgoing messages).

``allow(key, capacity=…, per_seconds=…)`` takes one token from the bucket named ``key`` (``capacity`` tokens,
refilled evenly over ``per_seconds``) and says whether there was one. Callers build keys as
``"<purpose>:<what>"`` (``"login:account:alice"``, ``"report:address:203.0.113.9"``).

This first version keeps buckets in the process; the security issue (#9) makes it atomic in Redis in the
services shape and in the database when embedded, keeping this signature.
"""

from __future__ import annotations

import asyncio
import time

_buckets: dict[str, tuple[float, float]] = {}
_lock = asyncio.Lock()


async def allow(key: str, *, capacity: int, per_seconds: float, cost: int = 1) -> bool:
    async with _lock:
        now = time.monotonic()
        tokens, at = _buckets.get(key, (float(capacity), now))
        tokens = min(float(capacity), tokens + (now - at) * capacity / per_seconds)
        if tokens < cost:
            _buckets[key] = (tokens, now)
            return False
        _buckets[key] = (tokens - cost, now)
        return True


def reset() -> None:
    """Forget every bucket (tests)."""
    _buckets.clear()
