"""Store pulled records as snapshots: one row per record, upserted, so a re-pulled record (a resumed or
overlapping window) changes nothing but what really changed."""
from __future__ import annotations

from typing import Iterable

from connector.crm.base import CrmRecord, ScoreFieldNames
from connector.db.models import RecordSnapshot, utcnow
from connector.db.scope import InstallationScope
from connector.nurture.feedback import record_outcomes


# Modification stamps: our own write-back moves them, so they say nothing about the lead.
MODIFICATION_STAMPS = frozenset({"lastmodifieddate", "hs_lastmodifieddate", "LastModifiedDate", "SystemModstamp"})


def own_fields(names: ScoreFieldNames) -> frozenset[str]:
    """The fields the connector writes itself; the rep's override is not among them (reps set it)."""
    return frozenset({names.score, names.tier, names.reasons, names.scored_at, names.model})


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
    # Both key columns in the filter, so the lookup walks the (installation, object type, crm id) index.
    existing = {(s.object_type, s.crm_id): s for s in scope.all(
        RecordSnapshot, RecordSnapshot.object_type.in_({r.object_type for r in records}),
        RecordSnapshot.crm_id.in_({r.crm_id for r in records}))}
    now = utcnow()
    changed = 0
    for key, record in by_key.items():
        snapshot = existing.get(key)
        properties = dict(record.properties)
        if snapshot is None:
            scope.add(RecordSnapshot(object_type=record.object_type, crm_id=record.crm_id, properties=properties,
                                     modified_at=record.modified_at, synced_at=now))
            changed += 1
            continue
        if _without(snapshot.properties, ours) != _without(properties, ours):
            snapshot.synced_at = now
            changed += 1
        snapshot.properties = properties
        snapshot.modified_at = record.modified_at
    return changed


def _without(properties: dict, names: frozenset[str]) -> dict:
    return {k: v for k, v in (properties or {}).items() if k not in names}
