"""The experiment's control arm, nurtured by the previous method: the admin's points rules decide its tiers and
so which nurture rules fire (or, by the admin's choice, it gets no scoring-driven action at all).

The points model is the newest version trained with the points learner: the cold-start model, built from the
admin's points rules when they were set. A control record's points tier is compared with the one stored on its
assignment; a change is a transition, handed to the same nurture engine the model arm uses."""
from __future__ import annotations

from datetime import datetime

from connector.crm.base import CrmClient
from connector.db.models import Experiment, ExperimentAssignment, ModelVersion, RecordSnapshot, utcnow
from connector.db.models.lift import CONTROL_ARM, POINTS_RULES
from connector.db.scope import InstallationScope

from ..frames import OWNER_PROPERTY, record_frame
from ..model_versions import load_model
from ..transitions import TierTransition
from .engine import NurtureSummary, run_for_transitions

CHUNK = 1000


def points_version(scope: InstallationScope) -> ModelVersion | None:
    versions = scope.all(ModelVersion, ModelVersion.learner == "points", order_by=ModelVersion.version.desc(), limit=1)
    return versions[0] if versions else None


def control_transitions(scope: InstallationScope, experiment: Experiment, since: datetime) -> list[TierTransition]:
    """Control records synced since `since` whose points tier changed (or was first given), their stored points
    tier moved on. None under "no actions", or when no points model exists."""
    version = points_version(scope) if experiment.control_method == POINTS_RULES else None
    if version is None:
        return []
    model = load_model(version)
    settings = scope.installation.settings
    owner_property = OWNER_PROPERTY.get(scope.installation.crm.value, "")
    rows = scope.session.execute(
        scope.select(ExperimentAssignment).with_only_columns(ExperimentAssignment, RecordSnapshot)
        .join(RecordSnapshot, (RecordSnapshot.installation_id == ExperimentAssignment.installation_id)
              & (RecordSnapshot.crm_id == ExperimentAssignment.crm_id))
        .where(ExperimentAssignment.arm == CONTROL_ARM,
               (RecordSnapshot.synced_at >= since) | ExperimentAssignment.control_tier.is_(None))
        .order_by(ExperimentAssignment.id)).all()
    transitions = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        scored = model.score(record_frame([snapshot.properties for _, snapshot in chunk], settings), reasons=False,
                             as_of=utcnow())
        for (assignment, snapshot), score, tier in zip(chunk, scored["score"], scored["tier"]):
            old_tier, old_score = assignment.control_tier, assignment.control_score
            assignment.control_tier, assignment.control_score = str(tier), int(score)
            if tier == old_tier or (old_tier is None and not assignment.new_record):
                continue  # unchanged, or the baseline of a record scored before the experiment
            transitions.append(TierTransition(
                crm_id=assignment.crm_id, owner_id=snapshot.properties.get(owner_property) or None,
                old_tier=old_tier, new_tier=str(tier), old_score=old_score,
                new_score=int(score), model_tier=str(tier)))
    scope.session.flush()
    return transitions


def nurture_control_arm(scope: InstallationScope, client: CrmClient, experiment: Experiment, since: datetime,
                        sync_run_id: int | None) -> NurtureSummary | None:
    transitions = control_transitions(scope, experiment, since)
    if not transitions:
        return None
    return run_for_transitions(scope.session, scope.installation, client, transitions, sync_run_id,
                               previous_method=True)
