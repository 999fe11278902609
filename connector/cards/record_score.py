"""One record's score as both cards show it: the current score plus its recent trend, scoped to one installation."""
from __future__ import annotations

from typing import Any

from connector.db.models import CurrentScore, ScoreHistory
from connector.db.scope import InstallationScope

TREND_POINTS = 10


def card_data(scope: InstallationScope, crm_id: str, trend_points: int = TREND_POINTS) -> dict[str, Any] | None:
    """None when the record has no score in this installation (another installation's record included)."""
    current = scope.session.scalars(scope.select(CurrentScore, CurrentScore.crm_id == crm_id)
                                    .order_by(CurrentScore.scored_at.desc()).limit(1)).first()
    if current is None:
        return None
    history = scope.all(ScoreHistory, ScoreHistory.crm_id == crm_id, order_by=ScoreHistory.scored_at.desc(),
                        limit=trend_points)
    return {
        "crm_id": current.crm_id,
        "score": current.score,
        "tier": current.override_tier or current.tier,
        "model_tier": current.tier,
        "reasons": list(current.reasons or []),
        "scored_at": current.scored_at.isoformat(),
        "trend": [{"score": h.score, "tier": h.tier, "scored_at": h.scored_at.isoformat()} for h in reversed(history)],
    }
