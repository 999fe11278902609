"""Drift: population stability index (PSI) of the score and the top features, training vs latest scoring.

The training side is kept as a small reference (bin edges and shares) in the model's metadata
(`drift_reference` in model.json), so a batch scored months later is compared without the training data:
`ScoringModel.drift(frame_or_scores) -> DriftReport`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

WATCH, ACT = 0.1, 0.25
FLOOR = 1e-4  # an empty bin would make PSI infinite; a small floor keeps one empty bin "large", not infinite
BINS = 10


def reference(values, bins: int = BINS, categorical: bool = False) -> dict:
    """Bins and the share of values per bin: training quantiles for numbers; for categories, the bins - 1 most
    common codes and one bin for the rest (a bin per rare category would make small batches read as drift
    from sampling noise alone). Missing values form the last bin."""
    values = np.asarray(values, dtype="float64")
    finite = values[~np.isnan(values)]
    if categorical:
        codes, counts = np.unique(finite, return_counts=True)
        ref = {"codes": sorted(codes[np.argsort(-counts, kind="stable")][:bins - 1].tolist())}
    else:
        edges = np.unique(np.quantile(finite, np.linspace(0, 1, bins + 1)[1:-1])) if len(finite) else np.array([])
        ref = {"edges": edges.tolist()}
    return {**ref, "shares": _shares(ref, values).tolist()}


def _shares(ref: dict, values: np.ndarray) -> np.ndarray:
    if len(values) == 0:
        raise ValueError("psi needs values on both sides")
    nan = np.isnan(values)
    finite = values[~nan]
    if "codes" in ref:
        codes = np.asarray(ref["codes"], dtype="float64")
        # Every other category shares the bin after the common ones.
        slots = np.where(np.isin(finite, codes), np.searchsorted(codes, finite), len(codes))
        counts = np.bincount(slots, minlength=len(codes) + 1)
    else:
        edges = np.asarray(ref["edges"])
        counts = np.bincount(np.searchsorted(edges, finite, side="right"), minlength=len(edges) + 1)
    return np.append(counts, nan.sum()) / len(values)


def psi_against(ref: dict, actual) -> float:
    expected = np.maximum(np.asarray(ref["shares"]), FLOOR)
    observed = np.maximum(_shares(ref, np.asarray(actual, dtype="float64")), FLOOR)
    return float(np.sum((observed - expected) * np.log(observed / expected)))


def psi(expected, actual, bins: int = BINS) -> float:
    """PSI over bins cut at the expected sample's quantiles; missing values form a bin of their own."""
    expected = np.asarray(expected, dtype="float64")
    if len(expected) == 0:
        raise ValueError("psi needs values on both sides")
    return psi_against(reference(expected, bins), actual)


def level(value: float) -> str:
    return "act" if value >= ACT else "watch" if value >= WATCH else "stable"


@dataclass
class DriftReport:
    """PSI of the score and of each watched feature (by source column), each with a level, and the worst level:
    "stable" below 0.1, "watch" below 0.25, "act" from 0.25 (retrain)."""
    score_psi: float
    feature_psi: dict[str, float] = field(default_factory=dict)
    rows: int = 0

    @property
    def level(self) -> str:
        return level(max([self.score_psi, *self.feature_psi.values()]))

    def as_dict(self) -> dict:
        return {"rows": self.rows, "level": self.level,
                "score": {"psi": self.score_psi, "level": level(self.score_psi)},
                "features": {f: {"psi": v, "level": level(v)} for f, v in self.feature_psi.items()}}


def drift_summary(train_scores, recent_scores, train_X: pd.DataFrame, recent_X: pd.DataFrame,
                  features: list[str]) -> dict:
    """PSI of the score and of each named feature, from two samples (no stored reference needed)."""
    report = DriftReport(psi(train_scores, recent_scores), {f: psi(train_X[f], recent_X[f]) for f in features},
                         len(recent_scores))
    return report.as_dict()
