"""Where the latest "Retrain now" stands (queued, training, done) and what came of it, in words, followed
through the audit events the train task records under its task id."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from connector.db.models import AuditEvent
from connector.db.scope import InstallationScope

REQUESTED = "train.requested"
STARTED, TRAINED, SKIPPED = "model.training_started", "model.trained", "model.training_skipped"
EVENTS_READ = 50  # the task's events follow its request closely; scheduled trainings may come in between


@dataclass(frozen=True)
class Retraining:
    state: str  # queued / training / done
    requested_at: datetime
    outcome: str | None = None  # once done

    @property
    def in_progress(self) -> bool:
        return self.state != "done"


def latest_retraining(scope: InstallationScope) -> Retraining | None:
    requested = scope.all(AuditEvent, AuditEvent.action == REQUESTED, order_by=AuditEvent.id.desc(), limit=1)
    if not requested:
        return None
    task_id = (requested[0].detail or {}).get("task_id")
    # By id, not by order: an in-process worker may record the task's events before the request's own.
    events = [e for e in scope.all(AuditEvent, AuditEvent.action.in_((STARTED, TRAINED, SKIPPED)),
                                   order_by=AuditEvent.id.desc(), limit=EVENTS_READ)
              if (e.detail or {}).get("task_id") == task_id]
    finished = next((e for e in events if e.action in (TRAINED, SKIPPED)), None)
    if finished is not None:
        return Retraining("done", requested[0].created_at, outcome_words(finished.action, finished.detail or {}))
    return Retraining("training" if events else "queued", requested[0].created_at)


def outcome_words(action: str, detail: dict) -> str:
    """"promoted: AUC 0.87 vs 0.85", "kept champion: challenger 0.66 vs 0.77", "not trained: no new data ...\""""
    if action == SKIPPED:
        return f"not trained: {detail.get('reason') or 'no reason given'}"
    version, challenger, champion = detail.get("version"), detail.get("challenger_auc"), detail.get("champion_auc")
    figures = (f"AUC {challenger:.2f} vs {champion:.2f}" if challenger is not None and champion is not None
               else "the first model" if champion is None and challenger is not None else detail.get("reason", ""))
    if detail.get("promoted"):
        return f"promoted version {version}: {figures}"
    return (f"kept champion: challenger {challenger:.2f} vs {champion:.2f} (version {version} kept as a rejected "
            "challenger)" if challenger is not None and champion is not None
            else f"kept champion: {detail.get('reason', '')}")
