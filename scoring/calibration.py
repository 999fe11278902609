"""Calibration fitted on out-of-fold predictions: isotonic with enough data, Platt scaling otherwise."""
from __future__ import annotations

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

# Isotonic regression overfits small samples; below this many out-of-fold rows Platt's two parameters are safer.
ISOTONIC_MIN_ROWS = 1000


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


class Calibrator:
    def __init__(self, method: str = "auto"):
        self.method = method

    def fit(self, p, y) -> "Calibrator":
        p, y = np.asarray(p, dtype="float64"), np.asarray(y, dtype="float64")
        self.method_ = self.method if self.method != "auto" else (
            "isotonic" if len(p) >= ISOTONIC_MIN_ROWS else "platt")
        if self.method_ == "isotonic":
            self.model_ = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(p, y)
        elif self.method_ == "platt":
            self.model_ = LogisticRegression(C=100.0).fit(_logit(p)[:, None], y)
        else:
            raise ValueError(f"unknown calibration method {self.method!r}; use auto, isotonic or platt")
        return self

    def transform(self, p) -> np.ndarray:
        p = np.asarray(p, dtype="float64")
        if self.method_ == "isotonic":
            return self.model_.predict(p)
        return self.model_.predict_proba(_logit(p)[:, None])[:, 1]
