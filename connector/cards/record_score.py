"""One record's score as both cards show it: the current score plus its recent trend, scoped to one installation."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from connector.db.models import CurrentScore, ModelVersion, RecordSnapshot, ScoreHistory
from connector.db.scope import InstallationScope
from connector.nurture.next_step import next_step

TREND_POINTS = 10


def card_data(scope: InstallationScope, crm_id: str, trend_points: int = TREND_POINTS) -> dict[str, Any] | None:
    """None when the record has no score in this installation (another installation's record included).

    Both cards also show a `next_step` (text) when the data carries one, and nothing in its place otherwise:
    a next-best action is computed elsewhere (issue 17) and added to this dict where one exists."""
    current = scope.session.scalars(scope.select(CurrentScore, CurrentScore.crm_id == crm_id)
                                    .order_by(CurrentScore.scored_at.desc()).limit(1)).first()
    if current is None:
        return None
    history = list(reversed(scope.all(ScoreHistory, ScoreHistory.crm_id == crm_id,
                                      order_by=ScoreHistory.scored_at.desc(), limit=trend_points)))
    versions = dict(scope.session.execute(select(ModelVersion.id, ModelVersion.version).where(
        ModelVersion.id.in_({h.model_version_id for h in history}))).all())
    snapshot = scope.session.scalars(scope.select(RecordSnapshot, RecordSnapshot.crm_id == crm_id).limit(1)).first()
    tier = current.override_tier or current.tier
    reasons = reasons_in_order(list(current.reasons or []), tier)
    return {
        "crm_id": current.crm_id,
        "score": current.score,
        "tier": current.override_tier or current.tier,
        "model_tier": current.tier,
        "reasons": reasons,
        "next_step": next_step(tier, current.score, reasons, snapshot.properties if snapshot else None,
                               scope.installation.settings),
        "scored_at": current.scored_at.isoformat(),
        # A point scored by another model than the one before it is marked: the jump is the model's, not the buyer's.
        "trend": [{"score": h.score, "tier": h.tier, "scored_at": h.scored_at.isoformat(),
                   "model": f"v{versions[h.model_version_id]}" if h.model_version_id in versions else None,
                   "new_model": index > 0 and h.model_version_id != history[index - 1].model_version_id}
                  for index, h in enumerate(history)],
    }


LOW_TIERS = ("C", "D")


def reasons_in_order(reasons: list[str], tier: str) -> list[str]:
    """A low score is explained by what lowered it, so ▼ reasons come first there (stable: the model's order
    of strength is kept within each direction); a high score keeps ▲ first."""
    if tier not in LOW_TIERS:
        return reasons
    return sorted(reasons, key=lambda reason: not reason.startswith("▼"))


def trend_text(trend: list[dict[str, Any]]) -> str:
    """e.g. "18 → 21 → [model v2] 64": a new model's first score is marked, so its jump is not read as the buyer's."""
    return " → ".join((f"[model {point['model']}] " if point["new_model"] else "") + str(point["score"])
                      for point in trend)
