"""Feedback from the field: rep overrides and outcomes, each stored against the score the record had then."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Iterable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from connector.crm.base import CrmRecord
from connector.db.models import (CurrentScore, Installation, OutcomeEvent, OverrideFeedback, RecordSnapshot,
                                ScoreHistory, utcnow)
from connector.db.scope import InstallationScope

OUTCOMES = ("converted", "disqualified")
# What marks a disqualified record on each CRM (the stock lead-status values); conversion is the
# installation's label definition, the same one training learns from.
DISQUALIFIED = {"hubspot": ("hs_lead_status", frozenset({"unqualified"})),
                "salesforce": ("Status", frozenset({"closed - not converted"}))}


def add_once(scope: InstallationScope, row) -> bool:
    """Insert `row` unless a unique key says it is there already (a re-run, or another worker just now)."""
    try:
        with scope.session.begin_nested():
            scope.add(row)
    except IntegrityError:
        return False
    return True


def record_override(scope: InstallationScope, crm_id: str, model_tier: str | None, override_tier: str,
                    score: int, sync_run_id: int | None) -> bool:
    """Store a rep's override once (a re-run sync sees the same one again); True when it was new."""
    if model_tier is None or model_tier == override_tier:
        return False  # agreeing with the model is not a correction
    return add_once(scope, OverrideFeedback(crm_id=crm_id, model_tier=model_tier, override_tier=override_tier,
                                            score=score, sync_run_id=sync_run_id))


def record_outcome(scope: InstallationScope, crm_id: str, outcome: str,
                   observed_at: datetime | None = None) -> OutcomeEvent | None:
    """Store that a record converted or was disqualified, with the last score given before it happened.

    None when the record was never scored before the outcome (nothing to judge the score by) or when
    this outcome is already recorded."""
    if outcome not in OUTCOMES:
        raise ValueError(f"an outcome is one of {OUTCOMES}, not {outcome!r}")
    observed_at = observed_at or utcnow()
    before = scope.all(ScoreHistory, ScoreHistory.crm_id == crm_id, ScoreHistory.scored_at <= observed_at,
                       order_by=ScoreHistory.scored_at.desc(), limit=1)
    then = before[0] if before else scope.one_or_none(
        CurrentScore, CurrentScore.crm_id == crm_id, CurrentScore.scored_at <= observed_at)
    if then is None:
        return None
    event = OutcomeEvent(crm_id=crm_id, outcome=outcome, score=then.score, tier=then.tier,
                         scored_at=then.scored_at, observed_at=observed_at)
    return event if add_once(scope, event) else None


def outcome_reader(installation: Installation) -> Callable[[dict[str, Any]], str | None]:
    """A function telling, for one record's properties, "converted", "disqualified" or None (compared
    case-insensitively). Built once per batch: the settings are parsed once, not per record."""
    label = installation.settings.label
    positive = {_text(v) for v in label.positive_values}
    name, disqualified = DISQUALIFIED[installation.crm.value]

    def outcome_of(properties: dict[str, Any]) -> str | None:
        if _text(properties.get(label.property)) in positive:
            return "converted"
        return "disqualified" if _text(properties.get(name)) in disqualified else None

    return outcome_of


def record_outcomes(session: Session, installation: Installation, records: Iterable[CrmRecord],
                    observed_at: datetime | None = None) -> int:
    """Called by `workers.snapshots.upsert_snapshots` (sync and webhook rescoring) BEFORE it upserts: a
    record whose last snapshot showed no outcome and that now shows one (converted or disqualified) gets an
    outcome event against the score it had then. Comparing with the last snapshot is what makes it "seen after
    scoring": a record that was already converted when first pulled is history, not feedback on a score.
    Returns how many were recorded: one query per batch that shows outcomes, plus a few per new outcome.
    Adds rows and does not commit; the caller commits them with the snapshots."""
    scope = InstallationScope(session, installation)
    outcome_of = outcome_reader(installation)
    seen = {}
    for record in records:
        outcome = outcome_of(record.properties or {})
        if outcome is not None:
            seen[record.crm_id] = outcome
    if not seen:
        return 0
    before = {snapshot.crm_id: outcome_of(snapshot.properties or {})
              for snapshot in scope.all(RecordSnapshot, RecordSnapshot.crm_id.in_(list(seen)))}
    recorded = 0
    for crm_id, outcome in seen.items():
        if crm_id in before and before[crm_id] != outcome:
            recorded += record_outcome(scope, crm_id, outcome, observed_at) is not None
    return recorded


def _text(value: Any) -> str:
    return str(value if value is not None else "").strip().lower()
