"""The recovery sweep: what a worker killed mid-way (kill -9, a lost node, a Redis restart that dropped the
queued task) leaves behind, found from the database alone, so nobody has to notice it.

- nurture actions claimed and never attempted, whose lease ran out (pending, touched longer ago than `LEASE`:
  their worker died between claiming them and recording the outcome) or that failed and may be tried again.
  Without the sweep they waited for a sync with records to write;
- sync runs that stopped without finishing: still `running` with no worker holding the installation's lock for a whole lease,
  or `failed` longer ago than a lease (the retries gave up), whether or not any record has changed since.

Installations being synced right now are left alone: that sync retakes actions as it goes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_
from sqlalchemy.orm import Session

from connector.db.models import ActionLog, Installation, InstallationStatus, SyncKind, SyncRun, SyncStatus
from connector.db.scope import InstallationScope

from .locks import free_for
from .nurture.engine import FAILED, LEASE, MAX_ATTEMPTS, PENDING


@dataclass
class Sweep:
    retake_actions: list[int] = field(default_factory=list)  # installation ids
    resume_syncs: list[int] = field(default_factory=list)


def sweep(session: Session, now: datetime, lock_seconds: float) -> Sweep:
    """`lock_seconds`: the sync lock's lease. An installation counts as unattended only once its lock has been
    free that long: a live sync whose lock a Redis restart wiped takes it back sooner (`locks.free_for`), and
    resuming its run beside it would run two syncs of one installation at once."""
    found = Sweep()
    for installation in session.query(Installation).filter(Installation.status == InstallationStatus.ACTIVE):
        if not free_for(installation.id, "sync", lock_seconds):
            continue
        scope = InstallationScope(session, installation)
        if _has_actions_to_retake(scope, now):
            found.retake_actions.append(installation.id)
        if not installation.settings.paused and _last_sync_stopped(scope, now):
            found.resume_syncs.append(installation.id)
    return found


def _has_actions_to_retake(scope: InstallationScope, now: datetime) -> bool:
    # Claimed but never attempted: the claim is committed with the chunk's scores, the attempts follow one by
    # one, so a worker killed in between leaves the rest of its chunk here. Nobody has held the lock for a
    # lease (see `sweep`), so nobody is about to attempt them; nothing was sent for them, so no lease to wait.
    never_tried = (ActionLog.status == PENDING) & (ActionLog.attempts == 0)
    expired = (ActionLog.status == PENDING) & (ActionLog.updated_at <= now - LEASE)
    retryable = (ActionLog.status == FAILED) & (ActionLog.attempts < MAX_ATTEMPTS)
    return bool(scope.all(ActionLog, or_(never_tried, expired, retryable), limit=1))


def _last_sync_stopped(scope: InstallationScope, now: datetime) -> bool:
    last = scope.all(SyncRun, SyncRun.kind.in_((SyncKind.FULL, SyncKind.INCREMENTAL)),
                     order_by=SyncRun.id.desc(), limit=1)
    if not last:
        return False
    run = last[0]
    if run.status is SyncStatus.RUNNING:
        return True  # and nobody holds the lock: its worker is gone
    return run.status is SyncStatus.FAILED and (run.finished_at or run.started_at) <= now - LEASE
