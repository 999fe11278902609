"""How a task retries, by cause: a busy installation and rate limits are waited out without limit and cost
no outage budget; Redis, broker, database and CRM outages are retried with backoff a bounded number of
times; giving up is recorded on the sync run list, never silent."""
from __future__ import annotations

import pytest
import redis
from celery.exceptions import Retry
from kombu.exceptions import OperationalError as BrokerUnreachable
from sqlalchemy.exc import OperationalError

from connector.crm.errors import CrmUnavailable, RateLimited
from connector.db import get_session
from connector.db.models import SyncRun, SyncStatus
from workers import tasks
from workers.locks import LockHeld

from .conftest import install_portal


class Request:
    def __init__(self, headers=None):
        self.headers = headers


class FakeTask:
    """What `_retrying` uses of a bound Celery task; `retry` hands back Celery's Retry, as the real one does."""

    name = tasks.SYNC

    def __init__(self, outages: int = 0):
        self.request = Request({tasks.OUTAGES_HEADER: outages} if outages else None)
        self.retries: list[dict] = []

    def retry(self, **options):
        self.retries.append(options)
        return Retry()


def _run(task: FakeTask, error: Exception, installation_id: int = 1) -> None:
    with tasks._retrying(task, installation_id):
        raise error


def test_every_task_retries_without_a_count_limit_of_its_own():
    for name in (tasks.SYNC, tasks.TRAIN, tasks.RESCORE):
        assert getattr(tasks, name.split(".")[1]).max_retries is None


@pytest.mark.parametrize("error", [LockHeld("leadscore:lock:sync:1"), RateLimited("429", 3.0)])
def test_a_busy_account_or_a_rate_limit_is_requeued_however_often_and_costs_no_outage(worker_app, error):
    with worker_app.app_context():
        task = FakeTask(outages=tasks.OUTAGE_RETRIES)  # the outage budget already spent
        for _ in range(50):
            with pytest.raises(Retry):
                _run(task, error)
    assert len(task.retries) == 50
    assert all("headers" not in options for options in task.retries)  # the outage count is left as it was


@pytest.mark.parametrize("error", [CrmUnavailable("502"), redis.exceptions.ConnectionError("Redis restarting"),
                                   BrokerUnreachable("broker gone"),
                                   OperationalError("SELECT 1", {}, Exception("terminating connection"))])
def test_an_outage_is_retried_with_backoff_and_counted(worker_app, error):
    with worker_app.app_context():
        task = FakeTask(outages=2)
        with pytest.raises(Retry):
            _run(task, error)
    [options] = task.retries
    assert options["headers"] == {tasks.OUTAGES_HEADER: 3}
    assert options["countdown"] == 40


def test_giving_up_after_the_outage_budget_says_why_on_the_sync_run_list(worker_app, hubspot_sandbox):
    installation_id = install_portal(worker_app, hubspot_sandbox, hubspot_sandbox.add_portal(contacts=5).id)
    with worker_app.app_context():
        with pytest.raises(redis.exceptions.ConnectionError):
            _run(FakeTask(outages=tasks.OUTAGE_RETRIES), redis.exceptions.ConnectionError("Redis down"),
                 installation_id)
        [run] = get_session().query(SyncRun).filter_by(installation_id=installation_id).all()
    assert run.status is SyncStatus.FAILED
    assert run.message.startswith("gave up after 5 outages") and "Redis down" in run.message
