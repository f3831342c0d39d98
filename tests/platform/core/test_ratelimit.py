"""The one token bucket: atomic under parallel attempts, in the database (embedded) and in Redis."""

import asyncio
import dataclasses

import pytest

from jinlin.core import ratelimit
from jinlin.core.settings import get_settings
from jinlin.core.tables import RateBucket
from support import REDIS_URL, require_or_skip


@pytest.fixture(params=["database", "redis"])
def shape(request, engine, monkeypatch):
    if request.param == "redis":
        if not REDIS_URL:
            require_or_skip("the Redis limiter needs JINLIN_TEST_REDIS_URL")
        settings = dataclasses.replace(get_settings(), redis_url=REDIS_URL)
        monkeypatch.setattr(ratelimit, "get_settings", lambda: settings)
    return request.param


async def test_fifty_parallel_takes_from_a_bucket_of_five_let_exactly_five_through(shape):
    await ratelimit.reset()
    results = await asyncio.gather(*(ratelimit.allow("t:parallel", capacity=5, per_seconds=60) for _ in range(50)))
    assert sum(results) == 5


async def test_a_bucket_refills_over_time(shape, frozen_clock):
    await ratelimit.reset()
    assert [await ratelimit.allow("t:refill", capacity=2, per_seconds=60) for _ in range(3)] == [True, True, False]
    frozen_clock.advance(seconds=30)
    assert await ratelimit.allow("t:refill", capacity=2, per_seconds=60)
    assert not await ratelimit.allow("t:refill", capacity=2, per_seconds=60)


async def test_a_refund_gives_back_a_token_but_never_more_than_the_capacity(shape):
    await ratelimit.reset()
    assert await ratelimit.allow("t:refund", capacity=1, per_seconds=3600)
    await ratelimit.refund("t:refund", capacity=1)
    await ratelimit.refund("t:refund", capacity=1)
    assert [await ratelimit.allow("t:refund", capacity=1, per_seconds=3600) for _ in range(2)] == [True, False]


async def test_idle_buckets_are_pruned(engine, frozen_clock):
    await ratelimit.allow("t:old", capacity=1, per_seconds=60)
    frozen_clock.advance(minutes=2)
    await ratelimit.allow("t:new", capacity=1, per_seconds=60)
    assert await ratelimit.prune() == 1
    assert [r["name"] for r in await RateBucket.select(RateBucket.name)] == ["t:new"]
