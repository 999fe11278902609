"""Two deployments sharing one Redis, each with its own LEADSCORE_REDIS_NAMESPACE, never hold each other's
installation locks, rate-limit windows or rescore queues."""
from __future__ import annotations

import uuid

import pytest
import redis

from workers.locks import LockHeld, installation_lock, is_locked
from workers.rate_limit import gate_for, limiter_usage
from workers.rescore import _keys

from .conftest import make_app


@pytest.fixture
def two_deployments(tmp_path, redis_url):
    run = uuid.uuid4().hex[:8]
    apps = [make_app(tmp_path / name, f"sqlite:///{tmp_path / name}.sqlite", REDIS_URL=redis_url,
                     REDIS_NAMESPACE=f"{name}-{run}") for name in ("blue", "green")]
    yield apps
    client = redis.Redis.from_url(redis_url)
    for name in ("blue", "green"):
        keys = list(client.scan_iter(f"{name}-{run}:*"))
        if keys:
            client.delete(*keys)


def test_each_deployment_locks_its_own_installation_1(two_deployments):
    blue, green = two_deployments
    with blue.app_context(), installation_lock(1, "sync", 30):
        with pytest.raises(LockHeld), installation_lock(1, "sync", 30):
            pass  # the same deployment is refused
        with green.app_context():
            assert not is_locked(1, "sync")
            with installation_lock(1, "sync", 30):  # the other deployment's installation 1 is another one
                pass


def test_limiter_and_rescore_keys_are_under_the_namespace(two_deployments):
    blue, green = two_deployments
    with blue.app_context():
        gate_for("hubspot").acquire("portal-1", "write")
        assert limiter_usage("hubspot", "portal-1") == {"write": 1}
        assert all(k.startswith(blue.config["REDIS_NAMESPACE"] + ":") for k in _keys(1))
    with green.app_context():
        assert limiter_usage("hubspot", "portal-1") == {}
