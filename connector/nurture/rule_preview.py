"""How many records a rule would match today, counted from the connector's stored scores before it is saved:
the records in the trigger's state now (in the tier, past the threshold), and those whose score history of the
last days holds a change the trigger fires on."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from connector.db.models import CurrentScore, ScoreHistory, utcnow
from connector.db.scope import InstallationScope

from .triggers import fires

RECENT_DAYS = 7


@dataclass(frozen=True)
class Step:
    old_tier: str | None
    new_tier: str
    old_score: int | None
    new_score: int


@dataclass(frozen=True)
class RulePreview:
    records: int  # scored records in all
    in_state: int | None  # records in the trigger's state now (None: "moves" names no state)
    recent: int  # records with a change it fires on in the last RECENT_DAYS days
    days: int = RECENT_DAYS

    def in_words(self, trigger: dict[str, Any]) -> str:
        kind = trigger.get("type")
        if kind == "enters_tier":
            state = f"{self.in_state:,} of {self.records:,} records are in tier {trigger['tier']} today"
        elif kind == "crosses":
            side = "at or above" if trigger.get("direction") == "up" else "below"
            state = f"{self.in_state:,} of {self.records:,} records score {side} {trigger['threshold']} today"
        else:
            state = f"{self.records:,} records are scored today"
        return (f"{state}; {self.recent:,} record{'' if self.recent == 1 else 's'} made a change this rule acts on "
                f"in the last {self.days} days.")


def preview(scope: InstallationScope, trigger: dict[str, Any], model_swaps_count: bool = False) -> RulePreview:
    """`model_swaps_count`: a change between two model versions counts (the admin let swaps fire rules)."""
    tier = func.coalesce(CurrentScore.override_tier, CurrentScore.tier)
    records = scope.session.scalar(scope.select(CurrentScore).with_only_columns(func.count())) or 0
    in_state = None
    if trigger.get("type") == "enters_tier":
        in_state = scope.session.scalar(scope.select(CurrentScore, tier == trigger["tier"])
                                        .with_only_columns(func.count()))
    elif trigger.get("type") == "crosses":
        side = (CurrentScore.score >= trigger["threshold"] if trigger.get("direction") == "up"
                else CurrentScore.score < trigger["threshold"])
        in_state = scope.session.scalar(scope.select(CurrentScore, side).with_only_columns(func.count()))
    return RulePreview(records, in_state, _recent(scope, trigger, model_swaps_count))


def _recent(scope: InstallationScope, trigger: dict[str, Any], model_swaps_count: bool) -> int:
    since = utcnow() - timedelta(days=RECENT_DAYS)
    changed = select(ScoreHistory.crm_id).where(ScoreHistory.installation_id == scope.installation_id,
                                                ScoreHistory.scored_at >= since).distinct()
    rows = scope.session.execute(
        select(ScoreHistory.crm_id, ScoreHistory.score, func.coalesce(ScoreHistory.override_tier, ScoreHistory.tier),
               ScoreHistory.model_version_id, ScoreHistory.scored_at >= since)
        .where(ScoreHistory.installation_id == scope.installation_id, ScoreHistory.crm_id.in_(changed))
        .order_by(ScoreHistory.crm_id, ScoreHistory.scored_at, ScoreHistory.id))
    matched: set[str] = set()
    previous: dict[str, tuple] = {}
    for crm_id, score, tier, model_id, recent in rows:
        before = previous.get(crm_id)
        previous[crm_id] = (score, tier, model_id)
        if not recent or crm_id in matched:
            continue
        if before is not None and before[2] != model_id and not model_swaps_count:
            continue  # a new model scored it differently: not something the buyer did
        step = Step(before[1] if before else None, tier, before[0] if before else None, score)
        if fires(trigger, step):
            matched.add(crm_id)
    return len(matched)
