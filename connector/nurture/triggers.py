"""Does a rule's trigger fire for a change of tier and score? Shared by the workers (who act on each change)
and the rule form's preview (which counts the changes a rule would have acted on). Trigger shapes are in
`connector.db.rules`."""
from __future__ import annotations

from typing import Any, Protocol

from connector.db.rules import TIERS

# A is the best tier: moving "up" means towards A, so the rank falls.
_RANK = {tier: rank for rank, tier in enumerate(TIERS)}


class Change(Protocol):
    old_tier: str | None  # None: a record scored for the first time
    new_tier: str
    old_score: int | None
    new_score: int


def fires(trigger: dict[str, Any], change: Change) -> bool:
    kind = trigger.get("type")
    if kind == "enters_tier":
        return change.new_tier == trigger.get("tier") and change.old_tier != change.new_tier
    if kind == "moves":
        if change.old_tier not in _RANK or change.new_tier not in _RANK:
            return False  # a first score is not a move
        rise = _RANK[change.old_tier] - _RANK[change.new_tier]
        step = rise if trigger.get("direction") == "up" else -rise
        return step >= int(trigger.get("by", 1))
    if kind == "crosses":
        if change.old_score is None:
            return False
        threshold = int(trigger["threshold"])
        if trigger.get("direction") == "up":
            return change.old_score < threshold <= change.new_score
        return change.new_score < threshold <= change.old_score
    return False
