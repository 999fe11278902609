"""Start a retraining when the feedback figures cross their thresholds, at most once a day per installation."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select

from connector.db.audit import record_event
from connector.db.models import AuditEvent, utcnow
from connector.db.scope import InstallationScope
from connector.jobs import TRAIN

from .figures import health

REQUESTED = "retrain.requested"
QUIET = timedelta(hours=24)  # a drifting model stays drifting until the new one is trained; ask once a day


def request_retraining_if_due(scope: InstallationScope, enqueue: Callable[..., str],
                              now: datetime | None = None) -> str | None:
    """Enqueue TRAIN when drift or AUC says so and none was asked for lately; returns the reason, if asked."""
    now = now or utcnow()
    reason = health(scope, now).retraining_reason
    if reason is None:
        return None
    recent = scope.session.scalars(select(AuditEvent.id).where(
        AuditEvent.installation_id == scope.installation_id, AuditEvent.action == REQUESTED,
        AuditEvent.created_at >= now - QUIET).limit(1)).first()
    if recent is not None:
        return None
    task_id = enqueue(TRAIN, installation_id=scope.installation_id)
    record_event(scope.session, "system", REQUESTED, scope.installation_id, reason=reason, task_id=task_id)
    scope.session.commit()
    return reason
