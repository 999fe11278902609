"""Regularised logistic regression: the baseline, with exact additive contributions."""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression


class LogisticBaseline:
    """Numbers are median-filled and standardised, categories one-hot coded; missing flags carry missingness."""

    def __init__(self, C: float = 0.5, max_iter: int = 500, categorical_features=None, random_state: int = 0):
        self.C = C
        self.max_iter = max_iter
        self.categorical_features = categorical_features
        self.random_state = random_state

    def _design(self, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """The design matrix and, for each of its columns, the feature it belongs to."""
        blocks, owners = [], []
        for j, name in enumerate(self.feature_names_):
            values = X[name].to_numpy(dtype="float64")
            if name in self.levels_:
                levels = self.levels_[name]
                blocks.append((values[:, None] == levels[None, :]).astype("float64"))
                owners += [j] * len(levels)
            else:
                filled = np.where(np.isnan(values), self.centre_[name], values)
                blocks.append(((filled - self.centre_[name]) / self.scale_[name])[:, None])
                owners.append(j)
        return np.hstack(blocks), np.asarray(owners)

    def fit(self, X: pd.DataFrame, y) -> "LogisticBaseline":
        self.feature_names_ = list(X.columns)
        categorical = set(self.categorical_features or ())
        self.levels_ = {n: np.unique(X[n].dropna().to_numpy()) for n in self.feature_names_ if n in categorical}
        self.centre_, self.scale_ = {}, {}
        for name in self.feature_names_:
            if name not in categorical:
                values = X[name].to_numpy(dtype="float64")
                finite = values[~np.isnan(values)]
                self.centre_[name] = float(np.median(finite)) if finite.size else 0.0
                spread = float(np.std(finite)) if finite.size else 0.0
                self.scale_[name] = spread if spread > 0 else 1.0
        design, self.owners_ = self._design(X)
        self.model_ = LogisticRegression(C=self.C, max_iter=self.max_iter).fit(design, np.asarray(y))
        self.classes_ = self.model_.classes_
        self.design_mean_ = design.mean(axis=0)
        coef = self.model_.coef_[0]
        self.expected_value_ = float(self.model_.intercept_[0] + coef @ self.design_mean_)
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        design, _ = self._design(X)
        return self.model_.predict_proba(design)

    def contributions(self, X: pd.DataFrame) -> np.ndarray:
        design, _ = self._design(X)
        parts = (design - self.design_mean_) * self.model_.coef_[0]
        out = np.zeros((len(X), len(self.feature_names_)))
        np.add.at(out.T, self.owners_, parts.T)
        return out
