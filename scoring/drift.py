"""Drift: population stability index (PSI) of the score and the top features, training vs latest scoring."""
from __future__ import annotations

import numpy as np
import pandas as pd

WATCH, ACT = 0.1, 0.25
FLOOR = 1e-4  # an empty bin would make PSI infinite; a small floor keeps one empty bin "large", not infinite


def psi(expected, actual, bins: int = 10) -> float:
    """PSI over bins cut at the expected sample's quantiles; missing values form a bin of their own."""
    expected = np.asarray(expected, dtype="float64")
    actual = np.asarray(actual, dtype="float64")
    if len(expected) == 0 or len(actual) == 0:
        raise ValueError("psi needs values on both sides")
    finite = expected[~np.isnan(expected)]
    edges = np.unique(np.quantile(finite, np.linspace(0, 1, bins + 1)[1:-1])) if len(finite) else np.array([])

    def shares(values):
        nan = np.isnan(values)
        counts = np.bincount(np.searchsorted(edges, values[~nan], side="right"), minlength=len(edges) + 1)
        return np.maximum(np.append(counts, nan.sum()) / len(values), FLOOR)

    e, a = shares(expected), shares(actual)
    return float(np.sum((a - e) * np.log(a / e)))


def level(value: float) -> str:
    return "act" if value >= ACT else "watch" if value >= WATCH else "stable"


def drift_summary(train_scores, recent_scores, train_X: pd.DataFrame, recent_X: pd.DataFrame,
                  features: list[str]) -> dict:
    """PSI of the score and of each named feature, each with its level, and the worst level overall."""
    score = psi(train_scores, recent_scores)
    per_feature = {f: psi(train_X[f], recent_X[f]) for f in features}
    values = [score, *per_feature.values()]
    return {"score": {"psi": score, "level": level(score)},
            "features": {f: {"psi": v, "level": level(v)} for f, v in per_feature.items()},
            "level": level(max(values))}
