"""The shared token bucket in real Redis: many workers (threads here) together stay under HubSpot's rolling
110-per-10-s limit and still use most of it. Run on a 10x clock so the test takes one second, not ten."""
from __future__ import annotations

import threading
import time
import uuid

import pytest
import redis

from workers.rate_limit import RedisTokenBucket, usage_key

pytestmark = pytest.mark.redis
SPEED = 10.0  # one real second is HubSpot's ten-second window


def test_three_workers_stay_under_the_rolling_limit_and_use_most_of_it(redis_url):
    client = redis.Redis.from_url(redis_url)
    account = f"test-{uuid.uuid4().hex}"
    stamps: list[float] = []
    guard = threading.Lock()
    stop = time.monotonic() + 3.0

    def worker():
        gate = RedisTokenBucket(client, "hubspot", speed=SPEED)
        while time.monotonic() < stop:
            gate.acquire(account, "write")
            with guard:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stamps.sort()
    busiest = max(sum(1 for t in stamps[i:] if t < start + 1.0) for i, start in enumerate(stamps))
    achieved = len(stamps) / 3.0 / (110 * SPEED / 10)
    print(f"\nadmitted {len(stamps)} in 3 s; busiest window {busiest}/110; {achieved:.0%} of the limit")
    assert busiest <= 110
    assert achieved >= 0.75  # generous: a loaded machine slows the threads, not the bucket
    assert int(client.hget(usage_key("hubspot", account), "write")) == len(stamps)
    client.delete(usage_key("hubspot", account), f"leadscore:bucket:hubspot:{account}:default")


def test_search_has_its_own_bucket(redis_url):
    client = redis.Redis.from_url(redis_url)
    account = f"test-{uuid.uuid4().hex}"
    gate = RedisTokenBucket(client, "hubspot", speed=1.0)
    started = time.monotonic()
    for _ in range(5):
        gate.acquire(account, "search")  # 5 searches: 1 at once, then 4 per second
    assert 0.8 <= time.monotonic() - started <= 1.5
    gate.acquire(account, "write")  # the general bucket is untouched by searches: no wait
    assert time.monotonic() - started <= 1.6
