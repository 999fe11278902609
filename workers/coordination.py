"""Where workers meet: the Redis every worker shares, or nothing at all in embedded mode.

Production names Redis as `REDIS_URL`, or uses the broker when the broker is Redis. Embedded mode (a
`memory://` broker) runs every task on one in-process thread, so locks, the limiter and the rescore queue
can live in process memory there.
"""
from __future__ import annotations

from functools import lru_cache

import redis
from flask import current_app

from connector.app.config import shared_redis_url


def redis_url() -> str | None:
    return shared_redis_url(current_app.config)


def shared_redis() -> redis.Redis | None:
    url = redis_url()
    return _client(url) if url else None


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, health_check_interval=30)
