"""Privacy tasks: erase records the CRM says were deleted (HubSpot's deletion webhooks), and purge snapshots
past an installation's retention, on beat's schedule.

Both hold the installation's sync lock: a sync storing or writing a record while it is erased could bring
rows about it back. They run for paused installations and ones waiting for a reconnect too (unlike syncs): a
deletion is owed to the person whatever state the installation is in, and neither needs the CRM.
"""
from __future__ import annotations

import logging

from celery import shared_task

from connector.db import get_session
from connector.db.models import Installation, InstallationStatus
from connector.db.scope import InstallationScope
from connector.privacy.erasure import forget
from connector.privacy.retention import purge_expired_snapshots

from .locks import installation_lock
from .tasks import _lock_seconds, _retrying

log = logging.getLogger(__name__)

FORGET, PURGE_EXPIRED = "workers.forget", "workers.purge_expired"


@shared_task(name=FORGET, bind=True, max_retries=None)
def forget_records(self, installation_id: int, record_ids: list[str], requested_by: str = "webhook",
                   reason: str = "deleted in the CRM") -> dict | None:
    scope = InstallationScope.load(get_session(), installation_id)
    if scope is None:
        return None  # the installation, and every row of it, is gone already
    with _retrying(self, installation_id), installation_lock(installation_id, "sync", _lock_seconds()):
        erasure = forget(scope, record_ids, actor=requested_by, reason=reason)
        scope.session.commit()
        return {"records": erasure.records, "rows": erasure.rows}


@shared_task(name=PURGE_EXPIRED, bind=True, max_retries=None)
def purge_expired(self) -> dict[int, int]:
    """Beat calls this daily: every installation with a retention setting loses its expired snapshots."""
    session = get_session()
    purged: dict[int, int] = {}
    for installation in session.query(Installation).filter(Installation.status != InstallationStatus.DISCONNECTED):
        if installation.settings.snapshot_retention_days is None:
            continue
        with _retrying(self, installation.id), installation_lock(installation.id, "sync", _lock_seconds()):
            purged[installation.id] = purge_expired_snapshots(InstallationScope(session, installation))
            session.commit()
    return purged
