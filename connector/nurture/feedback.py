"""Feedback from the field: rep overrides and outcomes, each stored against the score the record had then."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from connector.db.models import CurrentScore, OutcomeEvent, OverrideFeedback, ScoreHistory, utcnow
from connector.db.scope import InstallationScope

OUTCOMES = ("converted", "disqualified")


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
