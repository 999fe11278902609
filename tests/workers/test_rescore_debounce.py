"""Webhook bursts: many rescore requests for the same records within the debounce window become one flush."""
from __future__ import annotations

import random
import uuid

import pytest

from workers.rescore import queue_rescore, take_pending

from .conftest import make_app

pytestmark = pytest.mark.redis


def test_a_burst_schedules_one_flush_that_takes_every_id(tmp_path, redis_url):
    redis_db = f"{redis_url.rsplit('/', 1)[0]}/{random.randint(1, 15)}"
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", REDIS_URL=redis_db,
                   CELERY_QUEUE=f"t-{uuid.uuid4().hex[:6]}")
    installation_id = random.randint(10**6, 10**7)  # keys of their own on a shared Redis
    scheduled = []
    with app.app_context():
        for burst in (["1", "2"], ["2"], ["3"], ["1", "3"], ["4"]):
            assert queue_rescore(installation_id, burst, 0.5, scheduled.append) is None
        assert scheduled == [0.5]
        assert take_pending(installation_id) == ["1", "2", "3", "4"]
        # After the flush has started, a new event schedules the next flush.
        queue_rescore(installation_id, ["5"], 0.5, scheduled.append)
        assert scheduled == [0.5, 0.5]
        assert take_pending(installation_id) == ["5"]


def test_without_redis_the_ids_are_rescored_at_once(worker_app):
    with worker_app.app_context():
        assert queue_rescore(1, ["7", "7", "8"], 0.5, lambda countdown: None) == ["7", "8"]
