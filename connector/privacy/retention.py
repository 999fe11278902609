"""Retention: snapshots of records that have not changed for `snapshot_retention_days` are purged, with every
row kept beside them (scores, history, actions), so the connector holds no more than it uses.

"Changed" is the snapshot's `synced_at`, which moves when anything but the connector's own fields changes: the
CRM's modification stamp would move with every score we write back, and nothing would ever expire.
A record that changes again afterwards is pulled, stored and scored anew.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from connector.db.audit import record_event
from connector.db.models import RecordSnapshot, utcnow
from connector.db.scope import InstallationScope

from .erasure import erase_rows

PURGED = "privacy.retention_purged"
CHUNK = 1000  # ids per statement: well inside SQLite's bound-variable limit


def purge_expired_snapshots(scope: InstallationScope, now: datetime | None = None) -> int:
    """Purge the installation's expired snapshots; how many records went. The caller commits."""
    days = scope.installation.settings.snapshot_retention_days
    if days is None:
        return 0
    cutoff = (now or utcnow()) - timedelta(days=days)
    ids = list(scope.session.scalars(scope.select(RecordSnapshot).with_only_columns(RecordSnapshot.crm_id)
                                     .where(RecordSnapshot.synced_at < cutoff)))
    rows: dict[str, int] = {}
    for start in range(0, len(ids), CHUNK):
        for table, n in erase_rows(scope, ids[start:start + CHUNK]).rows.items():
            rows[table] = rows.get(table, 0) + n
    if ids:
        record_event(scope.session, "system", PURGED, scope.installation_id, records=len(ids), rows=rows,
                     retention_days=days)
    return len(ids)
