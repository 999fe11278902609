"""Where workers meet: the Redis every worker shares, or nothing at all in embedded mode.

Production names Redis as `REDIS_URL`, or uses the broker when the broker is Redis. Embedded mode (a
`memory://` broker) runs every task on one in-process thread, so locks, the limiter and the rescore queue
can live in process memory there.

Every key is under the deployment's namespace (`REDIS_NAMESPACE`, env LEADSCORE_REDIS_NAMESPACE), so two
deployments sharing one Redis never meet in it.
"""
from __future__ import annotations

from functools import lru_cache

import redis
from flask import current_app

from connector.app.config import shared_redis_url


def redis_url() -> str | None:
    return shared_redis_url(current_app.config)


def key(*parts: object) -> str:
    """A Redis key under this deployment's namespace (in process memory too, where it names local locks)."""
    return ":".join((current_app.config["REDIS_NAMESPACE"], *map(str, parts)))


def shared_redis() -> redis.Redis | None:
    url = redis_url()
    return _client(url) if url else None


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, health_check_interval=30)
