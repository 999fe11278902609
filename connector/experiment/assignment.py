"""Which arm a record is in. The arm comes from a hash of (installation, record id), so it is the same on any
worker and after a restore; it is stored the first time a record is seen, so changing the control share later
moves no one who is already in the experiment, and it is written to the CRM's arm field so the CRM's own
reports can split by arm."""
from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Iterable

from sqlalchemy import select

from connector.crm.base import CrmClient, FieldWrite
from connector.db.models import CurrentScore, Experiment, ExperimentAssignment, utcnow
from connector.db.models.lift import CONTROL_ARM, MODEL_ARM
from connector.db.scope import InstallationScope

WRITE_CHUNK = 500  # the adapters split into the CRM's own batch sizes; this bounds one transaction


def hashed_arm(installation_id: int, crm_id: str, control_share: float) -> str:
    """A uniform draw in [0, 1) from the ids: below the control share is the control arm."""
    digest = hashlib.sha256(f"{installation_id}:{crm_id}".encode()).digest()
    draw = int.from_bytes(digest[:8], "big") / 2 ** 64
    return CONTROL_ARM if draw < control_share else MODEL_ARM


def running(scope: InstallationScope, now: datetime | None = None) -> Experiment | None:
    experiment = scope.one_or_none(Experiment)
    now = now or utcnow()
    if experiment is None or experiment.stopped_at is not None or (experiment.ends_at and experiment.ends_at <= now):
        return None
    return experiment


def arms_for(scope: InstallationScope, crm_ids: Iterable[str], new_records: frozenset[str] = frozenset()) -> dict[str, str]:
    """The arm of each record, assigning (and storing) those not seen before while the experiment runs. Empty
    when no experiment runs: every record then follows the model. `new_records`: those scored for the first time."""
    experiment = running(scope)
    ids = sorted(set(crm_ids))
    if experiment is None or not ids:
        return {}
    known: dict[str, str] = {}
    for start in range(0, len(ids), WRITE_CHUNK):
        chunk = ids[start:start + WRITE_CHUNK]
        known.update(scope.session.execute(
            select(ExperimentAssignment.crm_id, ExperimentAssignment.arm)
            .where(ExperimentAssignment.installation_id == scope.installation_id,
                   ExperimentAssignment.crm_id.in_(chunk))).all())
    for crm_id in ids:
        if crm_id not in known:
            known[crm_id] = hashed_arm(scope.installation_id, crm_id, experiment.control_share)
            scope.add(ExperimentAssignment(crm_id=crm_id, arm=known[crm_id], assigned_at=utcnow(),
                                           new_record=crm_id in new_records))
    scope.session.flush()
    return known


def assign_scored_and_write(scope: InstallationScope, client: CrmClient) -> dict[str, int]:
    """After a sync: every scored record gets its arm (records whose tier did not change never passed the
    nurture hook), and arms not yet in the CRM are written to its arm field. Counts for the run."""
    if running(scope) is None:
        return {}
    scored = scope.session.scalars(select(CurrentScore.crm_id).where(
        CurrentScore.installation_id == scope.installation_id)).all()
    arms_for(scope, scored)
    scope.session.commit()
    types = dict(scope.session.execute(select(CurrentScore.crm_id, CurrentScore.object_type).where(
        CurrentScore.installation_id == scope.installation_id)).all())
    field = scope.installation.settings.field_names.arm
    written = rejected = 0
    while True:
        pending = scope.all(ExperimentAssignment, ExperimentAssignment.written_at.is_(None),
                            order_by=ExperimentAssignment.id, limit=WRITE_CHUNK)
        pending = [row for row in pending if row.crm_id in types]
        if not pending:
            break
        result = client.write_fields([FieldWrite(row.crm_id, types[row.crm_id], {field: row.arm}) for row in pending])
        landed = set(result.written)
        now = utcnow()
        for row in pending:
            # A refused record is not retried each sync (it would be refused again); the arm still counts here.
            row.written_at = now
        written += len(landed)
        rejected += len(pending) - len(landed)
        scope.session.commit()
    return {"arms_written": written, "arms_rejected": rejected}
