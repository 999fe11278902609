"""Calibration fitted on out-of-fold predictions: isotonic with enough data, Platt scaling otherwise.

Isotonic regression is a staircase: every record on one flat step gets the same probability, which throws
away the model's ranking within the step (held-out AUC drops) and piles records onto a few scores. The
staircase is kept as the calibration but read through the centres of its steps, linearly between them: the
same calibrated levels, strictly increasing, so the model's order survives calibration.

Fitted with scikit-learn, kept as plain numpy numbers (isotonic: its step points; Platt: slope and intercept),
so scoring needs no scikit-learn import and gives the same values as scikit-learn's own predict.
"""
from __future__ import annotations

import numpy as np

# Isotonic regression overfits small samples; below this many out-of-fold rows Platt's two parameters are safer.
ISOTONIC_MIN_ROWS = 1000


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def step_centres(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The staircase's steps as (centre, level) points, anchored at (0, 0) and (1, 1)."""
    starts = np.flatnonzero(np.r_[True, np.diff(y) != 0])
    ends = np.r_[starts[1:], len(y)] - 1
    centres, levels = (x[starts] + x[ends]) / 2, y[starts]
    low, high = ([0.0], [0.0]) if centres[0] > 0 else ([], [])  # a step centred on 0 or 1 replaces its anchor
    top, ceiling = ([1.0], [1.0]) if centres[-1] < 1 else ([], [])
    return np.r_[low, centres, top], np.r_[high, levels, ceiling]


class Calibrator:
    def __init__(self, method: str = "auto"):
        self.method = method

    def fit(self, p, y) -> "Calibrator":
        from sklearn.isotonic import IsotonicRegression
        from sklearn.linear_model import LogisticRegression

        p, y = np.asarray(p, dtype="float64"), np.asarray(y, dtype="float64")
        self.method_ = self.method if self.method != "auto" else (
            "isotonic" if len(p) >= ISOTONIC_MIN_ROWS else "platt")
        if self.method_ == "isotonic":
            fitted = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(p, y)
            self.x_, self.y_ = step_centres(fitted.X_thresholds_, fitted.y_thresholds_)
        elif self.method_ == "platt":
            fitted = LogisticRegression(C=100.0).fit(_logit(p)[:, None], y)
            self.slope_, self.intercept_ = float(fitted.coef_[0, 0]), float(fitted.intercept_[0])
        else:
            raise ValueError(f"unknown calibration method {self.method!r}; use auto, isotonic or platt")
        return self

    def transform(self, p) -> np.ndarray:
        p = np.asarray(p, dtype="float64")
        if self.method_ == "isotonic":
            return np.interp(p, self.x_, self.y_)
        return 1.0 / (1.0 + np.exp(-(self.slope_ * _logit(p) + self.intercept_)))
