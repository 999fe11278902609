"""The label that names one occurrence of a transition; whether a trigger fires is `connector.nurture.triggers`."""
from __future__ import annotations

from ..transitions import TierTransition


def occurrence_label(transition: TierTransition) -> str:
    """Names one occurrence of a transition in the action log, e.g. "C->A 38->91".

    A sync re-run over the same data gives the same tiers and scores, hence the same label, so the log's
    unique key refuses a second claim; a record that later leaves and re-enters the tier comes back with
    other scores and is a new occurrence. (The one blind spot: leaving and re-entering with exactly the
    same score pair is taken for a repeat.)"""
    old_tier = transition.old_tier or "-"
    old_score = "-" if transition.old_score is None else str(transition.old_score)
    return f"{old_tier}->{transition.new_tier} {old_score}->{transition.new_score}"
