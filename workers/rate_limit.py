"""The shared request limiter: a sliding-window log per CRM account in Redis, so N workers together stay
under the account's limit (the `RequestGate` the adapters call before every request).

HubSpot meters *rolling* windows (110 requests in any 10 s, search 5 in any second). A token bucket can
only approximate one from below (capacity + rate * window <= limit), which cost search a fifth of its
allowance; a log of admission times admits exactly `limit` in any window, as HubSpot counts them. The log
is a sorted set per account and pool, checked and appended atomically in Lua on Redis's own clock
(`TIME`), so workers on different hosts agree on time. The CRM's own 429s are still honoured by the
adapters (Retry-After); the limiter only makes them rare.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import redis
from flask import current_app

from connector.crm.base import OpenGate, RequestGate

from .coordination import shared_redis


@dataclass(frozen=True)
class Window:
    """At most `limit` requests in any rolling window of `seconds` (CRM time).

    The log holds admission times, the CRM counts arrivals. A request admitted exactly one window after an
    earlier one would be counted with it if the earlier one took longer from our admission to the CRM's door
    (waiting for the GIL behind the scoring thread, a connection set up); `guard` real seconds between them
    absorb that jitter. A refused request costs a whole second of Retry-After, so the guard is sized to the
    pool: the general one is shared by writer threads running beside the CPU-heavy scoring (20 ms let a 429
    through every few hundred writes at 100,000 contacts), search comes from one puller at a time."""

    limit: int
    seconds: float
    guard: float = 0.02


HUBSPOT_WINDOWS = {"default": Window(110, 10.0, guard=0.05), "search": Window(5, 1.0, guard=0.02)}
# Salesforce meters a daily allocation (the adapter slows down past 90% of it), not a per-second rate;
# the window only spreads a burst from many workers.
SALESFORCE_WINDOWS = {"default": Window(25, 1.0)}
WINDOWS = {"hubspot": HUBSPOT_WINDOWS, "salesforce": SALESFORCE_WINDOWS}

# KEYS: the log (sorted set, member per request, score = admission time in microseconds), the usage hash.
# ARGV: limit, window in microseconds, kind, a unique member. Returns "0" when admitted, else the seconds
# until the oldest entry that blocks leaves the window.
_ADMIT = """
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
-- %.0f: Lua would print a number this large as 1.7e+15 and lose the microseconds
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - window))
local held = redis.call('ZCARD', KEYS[1])
if held < limit then
  redis.call('ZADD', KEYS[1], string.format('%.0f', now), ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
  redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
  redis.call('EXPIRE', KEYS[2], 7 * 86400)
  return '0'
end
local blocking = redis.call('ZRANGE', KEYS[1], held - limit, held - limit, 'WITHSCORES')
return tostring((tonumber(blocking[2]) + window - now) / 1000000)
"""


class RedisSlidingWindow:
    """`RequestGate` over Redis. `speed` shortens the windows for a sandbox running on a faster clock;
    `namespace` is the deployment's Redis namespace (see `coordination`)."""

    # Kinds this gate meters itself, so an adapter can drop its own in-process pacing for them.
    metered_kinds = frozenset({"search"})

    def __init__(self, client: redis.Redis, crm: str, speed: float = 1.0, sleep=time.sleep,
                 namespace: str = "leadscore"):
        if speed <= 0:
            raise ValueError("the rate limiter's speed must be positive")
        self._crm = crm
        self._namespace = namespace
        self._windows = WINDOWS[crm]
        self._speed = speed
        self._sleep = sleep
        self._admit = client.register_script(_ADMIT)

    def acquire(self, account_key: str, kind: str) -> None:
        pool = "search" if kind == "search" and "search" in self._windows else "default"
        window = self._windows[pool]
        span_us = int((window.seconds / self._speed + window.guard) * 1_000_000)
        keys = [log_key(self._crm, account_key, pool, self._namespace),
                usage_key(self._crm, account_key, self._namespace)]
        member = uuid.uuid4().hex
        while True:
            wait = float(self._admit(keys=keys, args=[window.limit, span_us, kind, member]))
            if wait <= 0:
                return
            self._sleep(wait)


def log_key(crm: str, account_key: str, pool: str, namespace: str = "leadscore") -> str:
    return f"{namespace}:window:{crm}:{account_key}:{pool}"


def usage_key(crm: str, account_key: str, namespace: str = "leadscore") -> str:
    return f"{namespace}:bucket-usage:{crm}:{account_key}"


def limiter_usage(crm: str, account_key: str) -> dict[str, int]:
    """Requests admitted by the shared limiter for one account, by kind (for the dashboard and tests)."""
    client = shared_redis()
    if client is None:
        return {}
    usage = client.hgetall(usage_key(crm, account_key, current_app.config["REDIS_NAMESPACE"]))
    return {k.decode(): int(v) for k, v in usage.items()}


def gate_for(crm: str, speed: float = 1.0) -> RequestGate:
    client = shared_redis()
    if client is None:
        return OpenGate()
    return RedisSlidingWindow(client, crm, speed, namespace=current_app.config["REDIS_NAMESPACE"])
