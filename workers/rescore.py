"""Webhook rescoring, debounced: a burst of events for a record becomes one rescore a moment later.

Each `workers.rescore` adds its ids to a pending set in Redis and, if no flush is scheduled yet, schedules
one `RESCORE_DEBOUNCE_SECONDS` ahead; the flush takes every pending id at once. Embedded mode has one
in-process worker and no Redis, so it rescores at once.
"""
from __future__ import annotations

from connector.crm.base import CrmClient
from connector.db.models import SyncKind, SyncRun, SyncStatus, utcnow
from connector.db.scope import InstallationScope

from .coordination import key, shared_redis
from .model_versions import champion, load_model
from .snapshots import upsert_snapshots
from .write_back import WriteBackStats, score_and_write

FLUSH_TASK = "workers.rescore_pending"


def _keys(installation_id: int) -> tuple[str, str]:
    return key("rescore", installation_id, "ids"), key("rescore", installation_id, "scheduled")


def queue_rescore(installation_id: int, record_ids: list[str], debounce_seconds: float, schedule) -> list[str] | None:
    """Add ids to the pending set; returns the ids to rescore now when there is no Redis (embedded mode).
    `schedule(countdown)` sends the flush task."""
    client = shared_redis()
    if client is None:
        return list(dict.fromkeys(map(str, record_ids)))
    pending, scheduled = _keys(installation_id)
    if record_ids:
        client.sadd(pending, *map(str, record_ids))
        client.expire(pending, 3600)
    # Expires on its own so a lost flush (a worker dying before it ran) cannot block rescoring for good.
    if client.set(scheduled, "1", nx=True, ex=int(debounce_seconds) + 30):
        schedule(debounce_seconds)
    return None


def take_pending(installation_id: int) -> list[str]:
    client = shared_redis()
    pending, scheduled = _keys(installation_id)
    client.delete(scheduled)  # first: ids arriving from now on schedule a new flush
    with client.pipeline() as pipe:
        pipe.smembers(pending)
        pipe.delete(pending)
        members, _ = pipe.execute()
    return sorted(m.decode() for m in members)


def rescore_records(scope: InstallationScope, client: CrmClient, record_ids: list[str]) -> SyncRun | None:
    """Read the records now, store, score and write the changed ones; None before any model exists
    (the first sync scores everything anyway)."""
    version = champion(scope)
    if version is None or not record_ids:
        return None
    run = scope.add(SyncRun(kind=SyncKind.RESCORE, status=SyncStatus.RUNNING, started_at=utcnow(), counts={},
                            api_calls={}, errors=[]))
    records = client.fetch(record_ids)
    upsert_snapshots(scope, records, scope.installation.settings.field_names)
    scope.session.flush()
    stats = WriteBackStats()
    score_and_write(scope, client, version, load_model(version), stats,
                    crm_ids=[r.crm_id for r in records], sync_run_id=run.id)
    run.counts = {"pulled": len(records), **stats.counts()}
    run.api_calls = dict(client.api_calls)
    run.errors = stats.errors
    run.status = SyncStatus.PARTIAL if stats.partial else SyncStatus.SUCCEEDED
    run.finished_at = utcnow()
    run.duration_seconds = (run.finished_at - run.started_at).total_seconds()
    scope.session.commit()
    return run
