"""Where workers meet: the Redis every worker shares, or nothing at all in embedded mode.

Production names Redis as `REDIS_URL`, or uses the broker when the broker is Redis. Embedded mode (a
`memory://` broker) runs every task on one in-process thread, so locks, the limiter and the rescore queue
can live in process memory there.
"""
from __future__ import annotations

from functools import lru_cache

import redis
from flask import current_app


def redis_url() -> str | None:
    config = current_app.config
    if config.get("REDIS_URL"):
        return config["REDIS_URL"]
    broker = config["CELERY_BROKER_URL"] or ""
    return broker if broker.startswith(("redis://", "rediss://")) else None


def shared_redis() -> redis.Redis | None:
    url = redis_url()
    return _client(url) if url else None


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, health_check_interval=30)
