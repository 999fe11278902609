"""A sync's lock across a Redis restart without persistence (every key gone): the live holder takes its key
back, and the recovery sweep's test for an unattended installation (`free_for`) calls a free lock abandoned
only once it stayed free a whole lease, so a sync still running is never resumed beside itself."""
from __future__ import annotations

import time
import uuid

import pytest
import redis

from workers.coordination import key, shared_redis
from workers.locks import LockHeld, LockLost, free_for, installation_lock

from .conftest import make_app

pytestmark = pytest.mark.redis


@pytest.fixture
def app(tmp_path, redis_url):
    namespace = f"lock-{uuid.uuid4().hex[:8]}"
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'leadscore.sqlite'}", REDIS_URL=redis_url,
                   REDIS_NAMESPACE=namespace)
    with app.app_context():
        yield app
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{namespace}:*"))
    if keys:
        client.delete(*keys)


def _within(seconds: float, condition) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_a_live_holder_takes_back_the_lock_a_restart_wiped(app):
    name = key("lock", "sync", 1)
    with installation_lock(1, "sync", 0.6) as lock:
        shared_redis().delete(name)  # what a Redis restarted without persistence leaves
        assert _within(5, lambda: shared_redis().exists(name))
        lock.check()  # still ours
        with pytest.raises(LockHeld), installation_lock(1, "sync", 0.6):
            pass


def test_a_holder_whose_lock_another_worker_took_meanwhile_stops(app):
    name = key("lock", "sync", 1)
    with installation_lock(1, "sync", 0.6) as lock:
        shared_redis().set(name, b"another worker", px=60_000)
        assert _within(5, lambda: lock._lost)
        with pytest.raises(LockLost):
            lock.check()


def test_a_free_lock_is_abandoned_only_a_lease_after_it_was_first_found_free(app):
    assert not free_for(1, "sync", 0.5)  # found free now: the clock starts
    assert _within(5, lambda: free_for(1, "sync", 0.5))
    with installation_lock(1, "sync", 30):
        assert not free_for(1, "sync", 0.5)
    assert not free_for(1, "sync", 0.5)  # free again: a new clock
