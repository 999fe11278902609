"""The Celery tasks, by the names the connector sends them under. Ids in, everything reloaded inside.

Delivery is at least once (late acks): every task is safe to run twice. Tasks decide retry or give up by
cause:
- a busy installation (its lock held) and a CRM's rate limit are waited out for as long as they last, and
  cost nothing of the outage budget: the account being busy or paced is not a failure;
- outages (the CRM down; Redis, the broker or the database unreachable) are retried with backoff, at most
  OUTAGE_RETRIES times; giving up is recorded as a failed sync run, visible on the dashboard;
- a revoked grant is not retried: the installation is marked reconnect-needed (syncs stop, the dashboard
  asks the admin to reconnect), whether it failed when the client was made or in the middle of a run.
"""
from __future__ import annotations

import logging
import math
from contextlib import contextmanager
from datetime import timedelta

import redis
from celery import shared_task
from flask import current_app
from kombu.exceptions import OperationalError as BrokerUnreachable
from sqlalchemy.exc import InterfaceError, OperationalError

from connector.crm.errors import AuthRevoked, CrmUnavailable, RateLimited
from connector.db import get_session
from connector.db.audit import record_event
from connector.db.models import Installation, InstallationStatus, ModelVersion, SyncKind, SyncRun, SyncStatus, utcnow
from connector.db.scope import InstallationScope
from connector.install.credentials import client_for, mark_reconnect_needed
from scoring.training import TrainingError

from . import nurture, recovery
from .locks import LockHeld, LockLost, installation_lock, is_locked
from .model_versions import champion, load_model, promote as make_champion, train_challenger
from .rate_limit import gate_for
from .rescore import FLUSH_TASK, queue_rescore, rescore_records, take_pending
from .sync import run_sync
from .write_back import WriteBackStats, score_and_write

log = logging.getLogger(__name__)

SYNC, TRAIN, RESCORE, PROMOTE = "workers.sync", "workers.train", "workers.rescore", "workers.promote"
RECOVER, RETAKE_ACTIONS = "workers.recover", "workers.retake_actions"
OUTAGE_RETRIES = 5  # outages a task waits out before it gives up; counted in a message header across retries
OUTAGES_HEADER = "leadscore_outages"
GAVE_UP = "gave up"  # how a sync run's message starts when no retry is left
OUTAGES = (CrmUnavailable, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, BrokerUnreachable,
           OperationalError, InterfaceError)  # database: a dropped or refused connection


@shared_task(name=SYNC, bind=True, max_retries=None)
def sync(self, installation_id: int, requested_by: str = "schedule") -> dict | None:
    with _installation(installation_id) as scope:
        if scope is None:
            return None
        with _retrying(self, installation_id), installation_lock(installation_id, "sync", _lock_seconds()) as lock, \
                _client(scope) as client:
            run = run_sync(scope, client, heartbeat=lock.check)
            log.info("sync of installation %s (%s): %s", installation_id, requested_by, run.counts)
            return {"sync_run_id": run.id, "counts": run.counts, "api_calls": run.api_calls}


@shared_task(name=TRAIN, bind=True, max_retries=None)
def train(self, installation_id: int, requested_by: str = "schedule") -> dict | None:
    """Train a challenger; if it is promoted, rescore every record and write those whose score changed."""
    with _installation(installation_id) as scope:
        if scope is None:
            return None
        # The sync lock: a rescore-everything pass must not race a sync's writes of the same records.
        with _retrying(self, installation_id), installation_lock(installation_id, "sync", _lock_seconds()) as lock, \
                _client(scope) as client:
            # The dashboard follows a requested retraining by its task id: queued, training, then the outcome.
            task_id = self.request.id
            record_event(scope.session, requested_by, "model.training_started", installation_id, task_id=task_id)
            scope.session.commit()
            try:
                version, decision = train_challenger(scope, client)
            except TrainingError as exc:
                log.warning("installation %s not trained: %s", installation_id, exc)
                record_event(scope.session, requested_by, "model.training_skipped", installation_id, reason=str(exc),
                             task_id=task_id)
                scope.session.commit()
                return {"trained": False, "message": str(exc)}
            scope.session.commit()
            result = {"trained": True, "version": version.version, "promoted": decision.promoted,
                      "reason": decision.reason, "challenger_auc": _finite(decision.challenger_auc),
                      "champion_auc": _finite(decision.champion_auc), "task_id": task_id}
            if decision.promoted:
                result["rescore"] = _rescore_all(scope, client, lock.check)
            # Last, so whoever waits on this event (the dashboard, `leadscore demo`) sees the rescoring done.
            record_event(scope.session, requested_by, "model.trained", installation_id, **result)
            scope.session.commit()
            log.info("training of installation %s (%s): %s", installation_id, requested_by, result)
            return result


@shared_task(name=PROMOTE, bind=True, max_retries=None)
def promote(self, installation_id: int, version: int, kind: str = "promote", requested_by: str = "schedule") -> dict | None:
    """An admin's promotion (or roll back) by hand: swap the champion and rescore every record with it."""
    with _installation(installation_id) as scope:
        if scope is None:
            return None
        with _retrying(self, installation_id), installation_lock(installation_id, "sync", _lock_seconds()) as lock, \
                _client(scope) as client:
            chosen = scope.one_or_none(ModelVersion, ModelVersion.version == version)
            before = champion(scope)
            if chosen is None or chosen.is_champion:
                return {"promoted": False, "version": version}
            make_champion(scope, chosen)
            scope.session.commit()
            result = {"promoted": True, "version": version, "replaced": before.version if before else None,
                      "rescore": _rescore_all(scope, client, lock.check)}
            record_event(scope.session, requested_by, "model.rolled_back" if kind == "rollback" else "model.promoted",
                         installation_id, **result)
            scope.session.commit()
            return result


@shared_task(name=RESCORE, bind=True, max_retries=None)
def rescore(self, installation_id: int, record_ids: list[str], requested_by: str = "webhook") -> dict | None:
    now = queue_rescore(installation_id, record_ids, current_app.config["RESCORE_DEBOUNCE_SECONDS"],
                        lambda countdown: rescore_pending.apply_async(args=[installation_id], countdown=countdown))
    if now is None:
        return {"queued": len(record_ids)}
    return _rescore(self, installation_id, now)


@shared_task(name=FLUSH_TASK, bind=True, max_retries=None)
def rescore_pending(self, installation_id: int) -> dict | None:
    return _rescore(self, installation_id, take_pending(installation_id))


@shared_task(name="workers.schedule_due_syncs")
def schedule_due_syncs() -> list[int]:
    """Beat calls this every minute: sync each active, unpaused installation whose interval has passed."""
    session = get_session()
    due = []
    for installation in session.query(Installation).filter(Installation.status == InstallationStatus.ACTIVE):
        settings = installation.settings
        if settings.paused or is_locked(installation.id, "sync"):
            continue
        scope = InstallationScope(session, installation)
        last = scope.all(SyncRun, SyncRun.kind.in_((SyncKind.FULL, SyncKind.INCREMENTAL)),
                         order_by=SyncRun.started_at.desc(), limit=1)
        # A run left `running` by a dead worker is the recovery sweep's to resume, not the schedule's.
        if not last or (last[0].status != SyncStatus.RUNNING and
                        last[0].started_at + timedelta(minutes=settings.schedule_minutes) <= utcnow()):
            sync.apply_async(kwargs={"installation_id": installation.id, "requested_by": "schedule"})
            due.append(installation.id)
    return due


@shared_task(name=RECOVER)
def recover() -> dict:
    """Beat calls this with the schedule check: retake abandoned nurture actions and resume stopped syncs
    (see `workers.recovery`)."""
    found = recovery.sweep(get_session(), utcnow(), _lock_seconds())
    for installation_id in found.retake_actions:
        retake_actions.apply_async(kwargs={"installation_id": installation_id})
    for installation_id in found.resume_syncs:
        sync.apply_async(kwargs={"installation_id": installation_id, "requested_by": "recovery"})
    return {"retake_actions": found.retake_actions, "resume_syncs": found.resume_syncs}


@shared_task(name=RETAKE_ACTIONS, bind=True, max_retries=None)
def retake_actions(self, installation_id: int) -> dict | None:
    with _installation(installation_id) as scope:
        if scope is None:
            return None
        # The sync lock: a sync of this installation retakes the same rows; two must not race for them.
        with _retrying(self, installation_id), installation_lock(installation_id, "sync", _lock_seconds()), \
                _client(scope) as client:
            summary = nurture.run_for_transitions(scope.session, scope.installation, client, [], None)
            return summary.as_counts()


@shared_task(name="workers.schedule_training")
def schedule_training() -> list[int]:
    """Beat calls this nightly: train every active installation (paused ones too: training writes only
    when a better model changes scores, and pausing stops the sync schedule, not the product)."""
    ids = [i.id for i in get_session().query(Installation).filter(Installation.status == InstallationStatus.ACTIVE)]
    for installation_id in ids:
        train.apply_async(kwargs={"installation_id": installation_id, "requested_by": "schedule"})
    return ids


# -- shared plumbing ---------------------------------------------------------------------------------


def _rescore(task, installation_id: int, record_ids: list[str]) -> dict | None:
    with _installation(installation_id) as scope:
        if scope is None or not record_ids:
            return None
        with _retrying(task, installation_id), _client(scope) as client:
            run = rescore_records(scope, client, record_ids)
            return {"sync_run_id": run.id, "counts": run.counts} if run is not None else None


def _rescore_all(scope, client, heartbeat) -> dict:
    run = scope.add(SyncRun(kind=SyncKind.RESCORE, status=SyncStatus.RUNNING, started_at=utcnow(), counts={},
                            api_calls={}, errors=[]))
    scope.session.commit()
    version = champion(scope)
    stats = WriteBackStats()
    score_and_write(scope, client, version, load_model(version), stats, on_chunk=heartbeat, sync_run_id=run.id)
    run.counts, run.errors, run.api_calls = stats.counts(), stats.errors[:500], dict(client.api_calls)
    run.status = SyncStatus.PARTIAL if stats.partial else SyncStatus.SUCCEEDED
    run.finished_at = utcnow()
    run.duration_seconds = (run.finished_at - run.started_at).total_seconds()
    scope.session.commit()
    return run.counts


def _finite(value: float | None) -> float | None:
    """A figure fit for a JSON column: PostgreSQL refuses NaN (an AUC on one class)."""
    return None if value is None or math.isnan(value) else value


@contextmanager
def _installation(installation_id: int):
    scope = InstallationScope.load(get_session(), installation_id)
    if scope is None:
        log.warning("installation %s no longer exists; nothing to do", installation_id)
    elif scope.installation.status is not InstallationStatus.ACTIVE:
        log.info("installation %s is %s; skipped", installation_id, scope.installation.status.value)
        scope = None
    yield scope


@contextmanager
def _client(scope: InstallationScope):
    installation = scope.installation
    client = client_for(installation, gate=gate_for(installation.crm.value, current_app.config["RATE_LIMIT_SPEED"]))
    try:
        yield client
    finally:
        close = getattr(client, "close", None)
        if close is not None:
            close()


@contextmanager
def _retrying(task, installation_id: int):
    """Turn the errors worth waiting out into Celery retries, by cause (see the module's docstring)."""
    try:
        yield
    except (LockHeld, LockLost):
        # Another worker holds the installation (or held it and died: the lock has expired by this time).
        raise task.retry(countdown=_lock_seconds())
    except RateLimited as exc:
        raise task.retry(countdown=max(exc.retry_after, 1.0), exc=exc)
    except OUTAGES as exc:
        outages = int((task.request.headers or {}).get(OUTAGES_HEADER) or 0) + 1
        if outages > OUTAGE_RETRIES:
            _record_giving_up(task, installation_id, exc)
            raise
        raise task.retry(countdown=min(600, 10 * 2 ** (outages - 1)), exc=exc, headers={OUTAGES_HEADER: outages})
    except AuthRevoked as exc:
        mark_reconnect_needed(installation_id, str(exc))


def _record_giving_up(task, installation_id: int, exc: Exception) -> None:
    """Nothing ends a sync silently: the run that was going on (or a new one) says why, for the dashboard."""
    message = f"{GAVE_UP} after {OUTAGE_RETRIES} outages: {type(exc).__name__}: {exc}"[:500]
    log.error("%s of installation %s %s", task.name, installation_id, message)
    if task.name != SYNC:
        return
    session = get_session()
    try:
        session.rollback()
        scope = InstallationScope.load(session, installation_id)
        if scope is None:
            return
        runs = scope.all(SyncRun, SyncRun.kind.in_((SyncKind.FULL, SyncKind.INCREMENTAL)),
                         order_by=SyncRun.id.desc(), limit=1)
        run = runs[0] if runs and runs[0].status in (SyncStatus.RUNNING, SyncStatus.FAILED) else None
        if run is None:
            run = scope.add(SyncRun(kind=SyncKind.INCREMENTAL, status=SyncStatus.FAILED, started_at=utcnow(),
                                    counts={}, api_calls={}, errors=[]))
        run.status, run.message, run.finished_at = SyncStatus.FAILED, message, utcnow()
        session.commit()
    except OUTAGES:  # the database itself is what is down: the log line above is all that can be kept
        session.rollback()


def _lock_seconds() -> float:
    return current_app.config["SYNC_LOCK_SECONDS"]
