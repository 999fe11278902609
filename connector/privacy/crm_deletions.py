"""Records deleted in the CRM, noticed by the sync: each one erased before anything is scored or trained."""
from __future__ import annotations

from datetime import datetime, timedelta

from connector.crm.base import CrmClient
from connector.db.models import RecordSnapshot, SyncKind, SyncRun, SyncStatus
from connector.db.scope import InstallationScope

from .erasure import forget

# Asked back this far before the last finished sync started: a delete's SystemModstamp is stamped when its
# transaction starts, and the adapters' pull windows already leave a minute for transactions still committing.
LOOK_BACK = timedelta(hours=1)
ID_CHUNK = 500


def erase_deleted_records(scope: InstallationScope, client: CrmClient, run: SyncRun) -> int:
    """Erase what we hold of records the CRM says were deleted since the last finished sync; how many."""
    deleted = client.deleted_since(_since(scope, run))
    held: set[str] = set()
    for start in range(0, len(deleted), ID_CHUNK):
        chunk = deleted[start:start + ID_CHUNK]
        held |= set(scope.session.scalars(scope.select(RecordSnapshot).with_only_columns(RecordSnapshot.crm_id)
                                          .where(RecordSnapshot.crm_id.in_(chunk))))
    if held:
        forget(scope, held, actor="system", reason=f"deleted in {scope.installation.crm.label}")
        scope.session.commit()
    return len(held)


def _since(scope: InstallationScope, run: SyncRun) -> datetime | None:
    last = scope.all(SyncRun, SyncRun.id != run.id, SyncRun.kind.in_((SyncKind.FULL, SyncKind.INCREMENTAL)),
                     SyncRun.status.in_((SyncStatus.SUCCEEDED, SyncStatus.PARTIAL)),
                     order_by=SyncRun.started_at.desc(), limit=1)
    return last[0].started_at - LOOK_BACK if last else None
