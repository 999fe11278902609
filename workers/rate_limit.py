"""The shared request limiter: a token bucket per CRM account in Redis, so N workers together stay under
the account's limit (the `RequestGate` the adapters call before every request).

Buckets are sized for the CRM's *rolling* windows: a bucket of capacity c refilled at r per second admits at
most c + r*w requests in any window of w seconds, so r and c are chosen to keep that under the limit. The
CRM's own 429s are still honoured by the adapters (Retry-After); the bucket only makes them rare.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import redis

from connector.crm.base import OpenGate, RequestGate

from .coordination import shared_redis


@dataclass(frozen=True)
class Bucket:
    rate: float  # tokens per second
    capacity: float


# HubSpot: 110 requests per rolling 10 s (search excluded) and search at 5 per second.
# 3 + 10.67*10 = 109.7 <= 110;  1 + 4*1 = 5 <= 5.
HUBSPOT_BUCKETS = {"default": Bucket(rate=10.67, capacity=3), "search": Bucket(rate=4.0, capacity=1)}
# Salesforce meters a daily allocation (the adapter slows down past 90% of it), not a per-second rate;
# the bucket only spreads a burst from many workers.
SALESFORCE_BUCKETS = {"default": Bucket(rate=25.0, capacity=25)}
BUCKETS = {"hubspot": HUBSPOT_BUCKETS, "salesforce": SALESFORCE_BUCKETS}

# Atomic take-or-wait in Redis; the server's clock, so workers on different hosts agree on time.
_TAKE = """
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], 3600)
redis.call('EXPIRE', KEYS[2], 7 * 86400)
return tostring(wait)
"""


class RedisTokenBucket:
    """`RequestGate` over Redis. `speed` scales the rates for a sandbox running on a faster clock."""

    def __init__(self, client: redis.Redis, crm: str, speed: float = 1.0, sleep=time.sleep):
        self._redis = client
        self._crm = crm
        self._buckets = BUCKETS[crm]
        self._speed = speed
        self._sleep = sleep
        self._take = client.register_script(_TAKE)

    def acquire(self, account_key: str, kind: str) -> None:
        pool = "search" if kind == "search" and "search" in self._buckets else "default"
        bucket = self._buckets[pool]
        key = f"leadscore:bucket:{self._crm}:{account_key}:{pool}"
        while True:
            wait = float(self._take(keys=[key, usage_key(self._crm, account_key)],
                                    args=[bucket.rate * self._speed, bucket.capacity, kind]))
            if wait <= 0:
                return
            self._sleep(wait)


def usage_key(crm: str, account_key: str) -> str:
    return f"leadscore:bucket-usage:{crm}:{account_key}"


def limiter_usage(crm: str, account_key: str) -> dict[str, int]:
    """Requests admitted by the shared limiter for one account, by kind (for the dashboard and tests)."""
    client = shared_redis()
    if client is None:
        return {}
    return {k.decode(): int(v) for k, v in client.hgetall(usage_key(crm, account_key)).items()}


def gate_for(crm: str, speed: float = 1.0) -> RequestGate:
    client = shared_redis()
    return RedisTokenBucket(client, crm, speed) if client is not None else OpenGate()
