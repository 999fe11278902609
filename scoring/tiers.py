"""Score 0-100 from a calibrated probability, and tiers A-D by cut points on the score.

The score is where a record's calibrated probability falls among the training records' (ScoreScale): 73 means
it ranks above about 73% of them. A score of 100 x probability piles records up wherever the model is sure (on
the lead set 9% of held-out records score 0 and 6% score 98) and leaves most of the range empty; the rank uses
all of it, one score holding about 1% of records unless their probabilities are truly tied, and tier shares
follow from score cuts. The calibrated probability itself is kept alongside the score.
"""
from __future__ import annotations

import numpy as np

TIERS = ("A", "B", "C", "D")
# Default shares of training records per tier (top 10% A, next 20% B, next 30% C, rest D). Cuts from
# shares rather than fixed scores keep all four tiers in use whatever the account's base rate.
DEFAULT_SHARES = {"A": 0.10, "B": 0.20, "C": 0.30}


# Knots kept of the training probabilities' distribution: a score step is 1%, so 1,000 knots lose nothing.
SCALE_KNOTS = 1001


def to_score(probability) -> np.ndarray:
    """100 x probability: the score of models saved before ScoreScale existed."""
    return np.rint(np.clip(np.asarray(probability, dtype="float64"), 0, 1) * 100).astype(int)


class ScoreScale:
    """Calibrated probability -> score 0-100: the share of training records with a lower probability (ties share
    the middle of their block), read linearly between knots, so the order of records survives."""

    def __init__(self, probabilities):
        p = np.sort(np.asarray(probabilities, dtype="float64"))
        values, starts, counts = np.unique(p, return_index=True, return_counts=True)
        middles = (starts + counts / 2) / max(len(p), 1)
        if len(values) > SCALE_KNOTS:
            keep = np.unique(np.linspace(0, len(values) - 1, SCALE_KNOTS).round().astype(int))
            values, middles = values[keep], middles[keep]
        self.x_, self.y_ = values, middles

    def value(self, probability) -> np.ndarray:
        """The score before rounding (reasons measure points moved on it)."""
        return 100.0 * np.interp(np.asarray(probability, dtype="float64"), self.x_, self.y_)

    def __call__(self, probability) -> np.ndarray:
        return np.rint(self.value(probability)).astype(int)


def cuts_from_shares(scores, shares: dict[str, float] = DEFAULT_SHARES) -> dict[str, float]:
    """The lowest score of each tier so that roughly the given shares fall in A, B, C (strictly decreasing)."""
    scores = np.asarray(scores, dtype="float64")
    cuts, covered, previous = {}, 0.0, 101.0
    for tier in TIERS[:-1]:
        covered += shares[tier]
        cut = float(np.quantile(scores, 1 - covered)) if scores.size else 0.0
        cut = min(max(cut, 1.0), previous - 1)  # ties in coarse scores must not collapse two tiers into one
        cuts[tier] = cut
        previous = cut
    cuts["D"] = 0.0
    return cuts


def validate_cuts(cuts: dict[str, float]) -> dict[str, float]:
    if set(cuts) != set(TIERS):
        raise ValueError(f"tier cuts must name exactly {TIERS}, got {sorted(cuts)}")
    ordered = [cuts[t] for t in TIERS]
    if any(a <= b for a, b in zip(ordered, ordered[1:])) or cuts["D"] != 0:
        raise ValueError("tier cuts must fall strictly from A to D, and D must start at 0")
    return {t: float(cuts[t]) for t in TIERS}


def assign_tiers(scores, cuts: dict[str, float]) -> np.ndarray:
    scores = np.asarray(scores, dtype="float64")
    thresholds = np.array([cuts["A"], cuts["B"], cuts["C"]])
    index = (scores[:, None] < thresholds[None, :]).sum(axis=1)
    return np.asarray(TIERS, dtype=object)[index]
