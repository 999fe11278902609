"""Does a rule's trigger fire for a transition? The trigger shapes are defined in `connector.db.rules`."""
from __future__ import annotations

from typing import Any

from connector.db.rules import TIERS

from ..transitions import TierTransition

# A is the best tier: moving "up" means towards A, so the rank falls.
_RANK = {tier: rank for rank, tier in enumerate(TIERS)}


def fires(trigger: dict[str, Any], transition: TierTransition) -> bool:
    kind = trigger.get("type")
    if kind == "enters_tier":
        return transition.new_tier == trigger.get("tier") and transition.old_tier != transition.new_tier
    if kind == "moves":
        if transition.old_tier not in _RANK or transition.new_tier not in _RANK:
            return False  # a first score is not a move
        rise = _RANK[transition.old_tier] - _RANK[transition.new_tier]
        step = rise if trigger.get("direction") == "up" else -rise
        return step >= int(trigger.get("by", 1))
    if kind == "crosses":
        if transition.old_score is None:
            return False
        threshold = int(trigger["threshold"])
        if trigger.get("direction") == "up":
            return transition.old_score < threshold <= transition.new_score
        return transition.new_score < threshold <= transition.old_score
    return False


def occurrence_label(transition: TierTransition) -> str:
    """Names one occurrence of a transition in the action log, e.g. "C->A 38->91".

    A sync re-run over the same data gives the same tiers and scores, hence the same label, so the log's
    unique key refuses a second claim; a record that later leaves and re-enters the tier comes back with
    other scores and is a new occurrence. (The one blind spot: leaving and re-entering with exactly the
    same score pair is taken for a repeat.)"""
    old_tier = transition.old_tier or "-"
    old_score = "-" if transition.old_score is None else str(transition.old_score)
    return f"{old_tier}->{transition.new_tier} {old_score}->{transition.new_score}"
