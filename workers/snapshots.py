"""Store pulled records as snapshots: one row per record, upserted, so a re-pulled record (a resumed or
overlapping window) changes nothing but what really changed."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import insert, select, update

from connector.crm.base import CrmRecord, ScoreFieldNames
from connector.db.models import RecordSnapshot, utcnow
from connector.db.scope import InstallationScope
from connector.nurture.feedback import record_outcomes


# Modification stamps: our own write-back moves them, so they say nothing about the lead.
MODIFICATION_STAMPS = frozenset({"lastmodifieddate", "hs_lastmodifieddate", "LastModifiedDate", "SystemModstamp"})


def own_fields(names: ScoreFieldNames) -> frozenset[str]:
    """The fields the connector writes itself; the rep's override is not among them (reps set it)."""
    return names.written()


def upsert_snapshots(scope: InstallationScope, records: Iterable[CrmRecord], names: ScoreFieldNames) -> int:
    """Insert or update one snapshot per record; returns how many now need scoring.

    `synced_at` (which marks a record for scoring) moves only when something other than our own score
    fields and the modification stamps changed: our write-back bumps those, and re-scoring every written
    record on the next pull would be wasted work.
    """
    records = list(records)
    if not records:
        return 0
    # Before the upsert: an outcome (conversion, disqualification) counts when the last snapshot did not
    # show it yet. Here, so that the sync and webhook rescoring both record it.
    record_outcomes(scope.session, scope.installation, records)
    ours = own_fields(names) | MODIFICATION_STAMPS
    by_key = {(r.object_type, r.crm_id): r for r in records}
    # Columns, not ORM objects, and bulk statements below: a full sync stores 100,000s of rows, and the ORM's
    # per-object bookkeeping cost more than the database work. Both key columns in the filter, so the lookup
    # walks the (installation, object type, crm id) index.
    lookup = select(RecordSnapshot.id, RecordSnapshot.object_type, RecordSnapshot.crm_id, RecordSnapshot.properties,
                    RecordSnapshot.modified_at).where(
        RecordSnapshot.installation_id == scope.installation_id,
        RecordSnapshot.object_type.in_({r.object_type for r in records}),
        RecordSnapshot.crm_id.in_({r.crm_id for r in records}))
    existing = {(row.object_type, row.crm_id): row for row in scope.session.execute(lookup)}
    now = utcnow()
    inserts, updates = [], []
    for key, record in by_key.items():
        row = existing.get(key)
        values = {"properties": dict(record.properties), "modified_at": record.modified_at}
        if row is None:
            inserts.append({"installation_id": scope.installation_id, "object_type": record.object_type,
                            "crm_id": record.crm_id, "synced_at": now, **values})
            continue
        if row.properties == values["properties"] and row.modified_at == record.modified_at:
            continue  # re-pulled unchanged (a resumed or overlapping window): nothing to store
        if _without(row.properties, ours) != _without(values["properties"], ours):
            values["synced_at"] = now
        updates.append({"id": row.id, **values})
    if inserts:
        scope.session.execute(insert(RecordSnapshot), inserts)
    # Grouped by column set: an executemany needs the same parameters in every row.
    for columns in ({"id", "properties", "modified_at", "synced_at"}, {"id", "properties", "modified_at"}):
        rows = [u for u in updates if u.keys() == columns]
        if rows:
            scope.session.execute(update(RecordSnapshot), rows)
    _expire_cached(scope.session, {u["id"] for u in updates})
    return len(inserts) + sum("synced_at" in u for u in updates)


def _expire_cached(session, ids: set[int]) -> None:
    """Snapshots loaded earlier in this session (sessions keep objects across commits) still hold the values
    the bulk update replaced behind the ORM's back; expire them so the next read sees the stored ones."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, RecordSnapshot) and obj.id in ids:
            session.expire(obj)


def _without(properties: dict, names: frozenset[str]) -> dict:
    return {k: v for k, v in (properties or {}).items() if k not in names}
