"""The fault matrix: a real `celery worker` process on Redis and PostgreSQL syncs each sandbox CRM while the
sandbox misbehaves (a 429 storm, 10% 5xx, 10% of writes applied and then answered 502); afterwards the CRM's
end state is read back through its own API and held against the connector's database. Every run must end
with every record showing its stored score and exactly one task per task action: nothing lost, nothing
duplicated, nobody stepping in. Each run prints its row of the README's reliability table."""
from __future__ import annotations

import os
import random
import socket
import subprocess
import time
import uuid

import pytest
import redis
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

from connector.cli.demo import DemoCrm
from connector.cli.demo_audit import audit
from connector.crm.base import Credentials
from connector.db import get_session
from connector.db.models import ActionLog, Crm, CurrentScore, NurtureRule, RecordSnapshot, SyncRun, SyncStatus
from tests.app.conftest import throwaway_postgres  # noqa: F401  (a fixture)
from tests.nurture.test_sync_task import _salesforce_credentials
from tests.workers.conftest import in_the_past, install, install_portal, make_app, sandbox_config
from workers.nurture.engine import LEASE, PENDING

from .conftest import CeleryWorker

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

RECORDS = 300
SCENARIOS = {
    "baseline": {},
    # Salesforce sends no Retry-After with REQUEST_LIMIT_EXCEEDED, so each hit costs the adapter's 5 s default.
    "429 storm": {"rate_limit_storm": 20},
    "10% errors": {"error_rate": 0.1},
    "10% ambiguous writes": {"ambiguous_rate": 0.1},
    "all three": {"rate_limit_storm": 20, "error_rate": 0.1, "ambiguous_rate": 0.1},
}
TASK = {"type": "task", "subject": "Call {{ firstname }}: tier {{ tier }}", "body": "Why:\n{{ reasons_text }}"}


def _installed(crm: str, sandbox, tmp_path, database_url: str, redis_url: str):
    """(app, environment for workers, installation id, DemoCrm for the audit)."""
    redis_db = random.randint(1, 15)
    base_redis = redis_url.rsplit("/", 1)[0]
    keys = Fernet.generate_key().decode()
    if crm == "hubspot":
        crm_config = sandbox_config(sandbox, sandbox.base_url)
    else:
        crm_config = {"SALESFORCE_LOGIN_URL": sandbox.base_url, "SALESFORCE_CLIENT_ID": sandbox.app.client_id,
                      "SALESFORCE_CLIENT_SECRET": sandbox.app.client_secret}
    config = {"CELERY_BROKER_URL": f"{base_redis}/{redis_db}", "CELERY_RESULT_BACKEND": f"{base_redis}/{redis_db}",
              "CELERY_QUEUE": f"matrix-{uuid.uuid4().hex[:8]}", "CELERY_VISIBILITY_TIMEOUT": 60,
              "SYNC_LOCK_SECONDS": 30, "REDIS_NAMESPACE": f"matrix-{uuid.uuid4().hex[:8]}", **crm_config}
    app = make_app(tmp_path, database_url, **config, ENCRYPTION_KEYS=[keys])
    env = {**os.environ, "LEADSCORE_INSTANCE_PATH": str(tmp_path / "worker-instance"),
           "LEADSCORE_SECRET_KEY": "test-secret", "LEADSCORE_ENCRYPTION_KEYS": keys,
           "LEADSCORE_DATABASE_URL": database_url, **{f"LEADSCORE_{k}": str(v) for k, v in config.items()}}
    if crm == "hubspot":
        with in_the_past(sandbox, 120):
            account = str(sandbox.add_portal(contacts=RECORDS, seed=17).id)
        installation_id = install_portal(app, sandbox, int(account))
    else:
        with in_the_past(sandbox, 180):
            account = sandbox.add_org(leads=RECORDS, contacts=0, seed=17).id
        credentials: Credentials = _salesforce_credentials(account, sandbox.issue_tokens(account))
        installation_id = install(app, Crm.SALESFORCE, credentials, f"Org {account}")
    with app.app_context():
        session = get_session()
        # One rule per tier: every record's first score fires exactly one task, whatever the model says.
        for tier in "ABCD":
            session.add(NurtureRule(installation_id=installation_id, name=f"Call tier {tier}", actions=[TASK],
                                    trigger={"type": "enters_tier", "tier": tier}))
        session.commit()
    return app, env, installation_id, DemoCrm(crm, sandbox, account, "", {})


@pytest.mark.parametrize("scenario", list(SCENARIOS))
@pytest.mark.parametrize("crm", ["hubspot", "salesforce"])
def test_a_sync_under_faults_loses_and_duplicates_nothing(crm, scenario, request, tmp_path, redis_url,
                                                          throwaway_postgres):  # noqa: F811
    sandbox = request.getfixturevalue(f"{crm}_sandbox")
    app, env, installation_id, demo_crm = _installed(crm, sandbox, tmp_path, throwaway_postgres, redis_url)
    worker = CeleryWorker(env, tmp_path / "worker.log", "matrix")
    try:
        sandbox.faults.set(SCENARIOS[scenario])
        result = app.extensions["celery"].send_task("workers.sync", kwargs={"installation_id": installation_id})
        outcome = result.get(timeout=900)
    finally:
        sandbox.faults.clear()
        worker.stop()
    found = audit(app, installation_id, demo_crm)
    with app.app_context():
        session = get_session()
        statuses = {row.status for row in session.query(ActionLog).filter_by(installation_id=installation_id)}
        runs = session.query(SyncRun).filter_by(installation_id=installation_id).count()
    lost = _print_row(app, installation_id, scenario, crm, found, "yes" if outcome else "no")
    assert outcome["counts"]["pulled"] >= RECORDS and runs == 1
    assert lost == 0
    assert found["duplicate_tasks"] == 0 and found["missing_tasks"] == 0 and found["tasks_expected"] >= RECORDS
    assert statuses == {"done"}


@pytest.mark.parametrize("crm", ["hubspot", "salesforce"])
def test_database_connections_terminated_mid_sync_are_retried_and_the_sync_finishes(
        crm, request, tmp_path, redis_url, throwaway_postgres):  # noqa: F811
    sandbox = request.getfixturevalue(f"{crm}_sandbox")
    app, env, installation_id, demo_crm = _installed(crm, sandbox, tmp_path, throwaway_postgres, redis_url)
    worker = CeleryWorker(env, tmp_path / "worker.log", "matrix")
    server = create_engine(throwaway_postgres, isolation_level="AUTOCOMMIT")
    try:
        sandbox.faults.set({"latency": 0.1})  # a sync slow enough to be caught in the middle
        result = app.extensions["celery"].send_task("workers.sync", kwargs={"installation_id": installation_id})
        _wait_for(lambda: _running_runs(app, installation_id) > 0, "the sync never started")
        with server.connect() as connection:
            killed = connection.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
        outcome = result.get(timeout=900)
    finally:
        sandbox.faults.clear()
        worker.stop()
        server.dispose()
    found = audit(app, installation_id, demo_crm)
    lost = _print_row(app, installation_id, f"database connections terminated ({killed})", crm, found,
                      "yes" if outcome else "no")
    assert killed > 0
    assert lost == 0 and found["duplicate_tasks"] == 0 and found["missing_tasks"] == 0


# Pages answered before every access token expires. HubSpot: 300 contacts are two search pages of 200, and
# the token dies after the first. Salesforce: a COUNT() of the Leads, then the Leads (one REST page: a page
# holds up to 2,000), and the session dies after them, before the Contacts' count and page.
PAGES_BEFORE_EXPIRY = {"hubspot": 1, "salesforce": 2}


@pytest.mark.parametrize("crm", ["hubspot", "salesforce"])
def test_a_token_expiring_mid_pull_is_refreshed_and_the_pull_goes_on(crm, request, tmp_path, redis_url,
                                                                    throwaway_postgres):  # noqa: F811
    sandbox = request.getfixturevalue(f"{crm}_sandbox")
    app, env, installation_id, demo_crm = _installed(crm, sandbox, tmp_path, throwaway_postgres, redis_url)
    worker = CeleryWorker(env, tmp_path / "worker.log", "matrix")
    try:
        # The sandbox expires the token server-side: the client still holds it as valid for half an hour,
        # so only the 401 (EXPIRED_AUTHENTICATION / INVALID_SESSION_ID) on the next page tells it.
        sandbox.faults.set({"expire_tokens_after_pages": PAGES_BEFORE_EXPIRY[crm]})
        result = app.extensions["celery"].send_task("workers.sync", kwargs={"installation_id": installation_id})
        outcome = result.get(timeout=900)
        expired = sandbox.faults.tokens_expired
    finally:
        sandbox.faults.clear()
        worker.stop()
    found = audit(app, installation_id, demo_crm)
    with app.app_context():
        runs = get_session().query(SyncRun).filter_by(installation_id=installation_id).all()
        refreshes = sum((run.api_calls or {}).get("auth", 0) for run in runs)
    lost = _print_row(app, installation_id, "token expiry mid-pull", crm, found,
                      f"yes (token refreshed {refreshes}x, same run)")
    assert expired == 1 and refreshes >= 1
    assert len(runs) == 1 and runs[0].status is SyncStatus.SUCCEEDED and outcome["counts"]["pulled"] >= RECORDS
    assert lost == 0 and found["duplicate_tasks"] == 0 and found["missing_tasks"] == 0


@pytest.mark.parametrize("crm", ["hubspot", "salesforce"])
def test_a_worker_killed_mid_write_back_is_finished_by_redelivery_and_the_sweep(crm, request, tmp_path, redis_url,
                                                                               throwaway_postgres):  # noqa: F811
    sandbox = request.getfixturevalue(f"{crm}_sandbox")
    app, env, installation_id, demo_crm = _installed(crm, sandbox, tmp_path, throwaway_postgres, redis_url)
    env = {**env, "LEADSCORE_SCHEDULE_CHECK_SECONDS": "3"}
    workers = [CeleryWorker(env, tmp_path / "doomed.log", "doomed")]
    try:
        sandbox.faults.set({"latency": 0.1})  # one task create per record: the write-back lasts long enough
        result = app.extensions["celery"].send_task("workers.sync", kwargs={"installation_id": installation_id})
        # A chunk's scores and its action claims are committed together, then the tasks are created one by one.
        _wait_for(lambda: _written_and_done(app, installation_id)[1] > 0, "the write-back never started nurturing")
        workers[0].kill()  # kill -9 of the whole worker: no ack, no cleanup, the action in flight left pending
        written, done = _written_and_done(app, installation_id)
        sandbox.faults.clear()
        print(f"\nkilled the worker with {written} of {RECORDS} scores written and {done} tasks done")
        assert written < RECORDS or done < RECORDS
        workers.append(CeleryWorker(env, tmp_path / "survivor.log", "survivor",
                                    extra=("--beat", "--schedule", str(tmp_path / "beat-schedule"))))
        result.get(timeout=900)  # the same message, redelivered (late ack) once its visibility timeout ends
        # The dead worker's claims never attempted are retaken by the sweep (beat, every 3 s) as soon as the
        # lock has been free a lease; the one it had in flight only once its 10-minute lease ends, which the
        # test brings about by moving that claim one lease into the past instead of waiting ten minutes.
        _wait_for(lambda: _in_flight_only(app, installation_id), "the claims never tried were not retaken", 900)
        retaken = _age_leases(app, installation_id)
        _wait_for(lambda: _finished(app, installation_id), "the dead worker's actions were never retaken", 900)
    finally:
        sandbox.faults.clear()
        for worker in workers:
            worker.stop()
    found = audit(app, installation_id, demo_crm)
    lost = _print_row(app, installation_id, "kill -9 mid write-back", crm, found,
                      f"yes (redelivery; the sweep retook {found['tasks_expected'] - done - retaken} untried "
                      f"claims at once, {retaken} in flight after its lease)")
    assert lost == 0 and found["duplicate_tasks"] == 0 and found["missing_tasks"] == 0


def _written_and_done(app, installation_id: int) -> tuple[int, int]:
    """(scores written to the CRM, task actions done), as committed."""
    with app.app_context():
        session = get_session()
        try:
            written = session.query(CurrentScore).filter(CurrentScore.installation_id == installation_id,
                                                         CurrentScore.written_at.is_not(None)).count()
            done = session.query(ActionLog).filter_by(installation_id=installation_id, status="done").count()
            return written, done
        finally:
            session.rollback()


def _in_flight_only(app, installation_id: int) -> bool:
    """No claim left untried: what is still pending was being attempted when its worker died."""
    with app.app_context():
        session = get_session()
        try:
            return session.query(ActionLog).filter_by(installation_id=installation_id, status=PENDING,
                                                      attempts=0).count() == 0
        finally:
            session.rollback()


def _age_leases(app, installation_id: int) -> int:
    """Pending actions moved one lease into the past, as ten minutes of waiting would; how many."""
    with app.app_context():
        session = get_session()
        pending = session.query(ActionLog).filter_by(installation_id=installation_id, status=PENDING).all()
        for row in pending:
            session.execute(text("UPDATE action_log SET updated_at = :at WHERE id = :id"),
                            {"at": row.updated_at - LEASE, "id": row.id})
        session.commit()
        return len(pending)


def _print_row(app, installation_id: int, scenario: str, crm: str, found: dict, recovered: str) -> int:
    """Print the README table's row; the number of records whose score is lost or wrong.

    Duplicated writes: score writes the syncs sent beyond one per record in the CRM (a person written twice
    in a sync, as a converted lead and as its contact, shows here; a write resent after a lost answer sets
    the same values and is not counted, the adapters count it as one)."""
    with app.app_context():
        session = get_session()
        written = sum((run.counts or {}).get("written", 0) for run in session.query(SyncRun).filter(
            SyncRun.installation_id == installation_id))
    lost = found["records"] - found["records_with_score"]
    print(f"\n| {scenario} | {crm} | {found['records']} | {lost} | {max(written - found['records'], 0)} | "
          f"{found['duplicate_tasks']} / {found['missing_tasks']} of {found['tasks_expected']} | {recovered} |")
    return lost


def _running_runs(app, installation_id: int) -> int:
    with app.app_context():
        session = get_session()
        try:
            return session.query(SyncRun).filter_by(installation_id=installation_id,
                                                    status=SyncStatus.RUNNING).count()
        finally:
            session.rollback()


def _wait_for(condition, failure: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, failure
        time.sleep(0.05)


class OwnRedis:
    """A redis-server of the test's own on a free port, without persistence: a restart loses every key and
    every queued message, as a Redis restarted without AOF does."""

    def __init__(self, tmp_path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._dir = tmp_path
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no",
                                         "--dir", str(self._dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for(self._answers, "redis-server did not start", timeout=30)

    def restart(self) -> None:
        self.process.kill()
        self.process.wait(10)
        self.start()

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(10)

    def _answers(self) -> bool:
        try:
            return redis.Redis.from_url(self.url).ping()
        except redis.exceptions.ConnectionError:
            return False


@pytest.mark.parametrize("crm", ["hubspot", "salesforce"])
def test_a_redis_restart_mid_sync_is_recovered_by_the_sweep(crm, request, tmp_path, throwaway_postgres):  # noqa: F811
    sandbox = request.getfixturevalue(f"{crm}_sandbox")
    own = OwnRedis(tmp_path)
    app, env, installation_id, demo_crm = _installed(crm, sandbox, tmp_path, throwaway_postgres, own.url)
    env = {**env, "LEADSCORE_SCHEDULE_CHECK_SECONDS": "3", "LEADSCORE_SYNC_LOCK_SECONDS": "10"}
    # Beat inside the worker: the recovery sweep is what must bring the sync back, nobody else. No supervisor:
    # the one worker process must outlive the restart (connector/app/redis_broker.py).
    worker = CeleryWorker(env, tmp_path / "worker.log", "matrix",
                          extra=("--beat", "--schedule", str(tmp_path / "beat-schedule")))
    celery = app.extensions["celery"]
    try:
        sandbox.faults.set({"latency": 0.1})
        celery.send_task("workers.sync", kwargs={"installation_id": installation_id})
        _wait_for(lambda: _running_runs(app, installation_id) > 0, "the sync never started")
        own.restart()  # the queued and unacknowledged messages, the locks and the limiter's windows are gone
        sandbox.faults.clear()
        _wait_for(lambda: _finished(app, installation_id) or worker.process.poll() is not None,
                  "the sync was never brought back", timeout=900)
        assert worker.process.poll() is None, f"the worker exited:\n{worker.log.read_text()[-3000:]}"
        after = celery.send_task("workers.recover")  # queued after the restart, taken by the same process
        after.get(timeout=300)
        assert worker.process.poll() is None and after.id in worker.log.read_text()
    finally:
        sandbox.faults.clear()
        worker.stop()
        own.stop()
    found = audit(app, installation_id, demo_crm)
    log = worker.log.read_text()
    lost = _print_row(app, installation_id, "Redis restarted mid-sync", crm, found,
                      "yes (recovery sweep; the same worker process throughout)")
    assert lost == 0 and found["duplicate_tasks"] == 0 and found["missing_tasks"] == 0
    assert "IntegrityError" not in log  # never two syncs of the installation at once


def _finished(app, installation_id: int) -> bool:
    """The latest sync run finished and every nurture action is done."""
    with app.app_context():
        session = get_session()
        try:
            last = session.query(SyncRun).filter_by(installation_id=installation_id).order_by(SyncRun.id.desc()).first()
            statuses = {r.status for r in session.query(ActionLog).filter_by(installation_id=installation_id)}
            return last is not None and last.status in (SyncStatus.SUCCEEDED, SyncStatus.PARTIAL) and \
                statuses <= {"done"} and _scored_everything(session, installation_id)
        finally:
            session.rollback()


def _scored_everything(session, installation_id: int) -> bool:
    snapshots = session.query(RecordSnapshot).filter_by(installation_id=installation_id).count()
    written = session.query(CurrentScore).filter(CurrentScore.installation_id == installation_id,
                                                 CurrentScore.written_at.is_not(None)).count()
    return snapshots > 0 and written == snapshots
