"""The shared sliding-window limiter in real Redis: many workers (threads here) together never exceed
HubSpot's rolling limits, and a full window admits exactly the limit (a token bucket admitted less)."""
from __future__ import annotations

import threading
import time
import uuid

import pytest
import redis

from workers.rate_limit import HUBSPOT_WINDOWS, RedisSlidingWindow, log_key, usage_key

pytestmark = pytest.mark.redis
SPEED = 10.0  # one real second is HubSpot's ten-second window


class Blocked(Exception):
    """Raised by the test's `sleep`: the gate asked to wait."""


def refuse_to_wait(seconds: float) -> None:
    raise Blocked(seconds)


@pytest.fixture
def account(redis_url):
    client = redis.Redis.from_url(redis_url)
    key = f"test-{uuid.uuid4().hex}"
    yield client, key
    client.delete(usage_key("hubspot", key), *(log_key("hubspot", key, pool) for pool in HUBSPOT_WINDOWS))


def admitted_before_waiting(gate: RedisSlidingWindow, account_key: str, kind: str, tries: int) -> tuple[int, float]:
    """How many requests of `kind` pass before the gate first asks to wait, and how long it asks."""
    for n in range(tries):
        try:
            gate.acquire(account_key, kind)
        except Blocked as wait:
            return n, wait.args[0]
    return tries, 0.0


@pytest.mark.parametrize("kind, limit, window", [("write", 110, 10.0), ("search", 5, 1.0)])
def test_a_full_window_admits_exactly_the_limit(account, kind, limit, window):
    client, key = account
    gate = RedisSlidingWindow(client, "hubspot", speed=1.0, sleep=refuse_to_wait)
    admitted, wait = admitted_before_waiting(gate, key, kind, limit + 5)
    assert admitted == limit
    assert window - 1.0 < wait <= window + 0.1  # until the first request leaves the window
    assert int(client.hget(usage_key("hubspot", key), kind)) == limit


def test_search_has_its_own_window(account):
    client, key = account
    gate = RedisSlidingWindow(client, "hubspot", speed=1.0, sleep=refuse_to_wait)
    assert admitted_before_waiting(gate, key, "search", 10)[0] == 5
    gate.acquire(key, "write")  # the general window is untouched by searches: no wait
    gate.acquire(key, "read")
    assert {k.decode(): int(v) for k, v in client.hgetall(usage_key("hubspot", key)).items()} == \
        {"search": 5, "write": 1, "read": 1}


def test_the_speed_shortens_the_window(account):
    client, key = account
    gate = RedisSlidingWindow(client, "hubspot", speed=SPEED, sleep=refuse_to_wait)
    admitted, wait = admitted_before_waiting(gate, key, "write", 120)
    assert admitted == 110 and wait <= 10.0 / SPEED + 0.1


def test_three_workers_never_exceed_the_rolling_limit_and_fill_it(account):
    client, key = account
    stamps: list[float] = []
    guard = threading.Lock()
    stop = time.monotonic() + 3.0

    def worker():
        gate = RedisSlidingWindow(client, "hubspot", speed=SPEED)
        while time.monotonic() < stop:
            gate.acquire(key, "write")
            with guard:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stamps.sort()
    window = 10.0 / SPEED
    busiest = max(sum(1 for t in stamps[i:] if t < start + window) for i, start in enumerate(stamps))
    print(f"\nadmitted {len(stamps)} in 3 s; busiest window {busiest}/110; "
          f"{len(stamps) / 3.0 / (110 / window):.0%} of the limit")
    assert busiest == 110  # never more, and a window's worth when three workers want more
    assert int(client.hget(usage_key("hubspot", key), "write")) == len(stamps)


def test_a_speed_must_be_positive(account):
    with pytest.raises(ValueError, match="speed"):
        RedisSlidingWindow(account[0], "hubspot", speed=0)
