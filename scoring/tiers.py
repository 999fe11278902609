"""Score 0-100 from a calibrated probability, and tiers A-D by cut points on the score."""
from __future__ import annotations

import numpy as np

TIERS = ("A", "B", "C", "D")
# Default shares of training records per tier (top 10% A, next 20% B, next 30% C, rest D). Cuts from
# shares rather than fixed scores keep all four tiers in use whatever the account's base rate.
DEFAULT_SHARES = {"A": 0.10, "B": 0.20, "C": 0.30}


def to_score(probability) -> np.ndarray:
    return np.rint(np.clip(np.asarray(probability, dtype="float64"), 0, 1) * 100).astype(int)


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
