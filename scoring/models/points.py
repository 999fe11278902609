"""Rule-based points model for thin history: editable rules as data, weighted and negative points.

A rule is `{"when": {"column": FEATURE, "op": OP, "value": V}, "points": P}` with OP one of
">=", "<", "==", "!=", "is_missing". For category features "==" takes the category's label.
Default rules come from univariate lift on the training data, so an admin can read and edit each one.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

OPS = (">=", "<", "==", "!=", "is_missing")
# A rule must cover at least this share of records (and 5 records) and leave some out.
MIN_SUPPORT = 0.05
MAX_RULES = 12
RULES_PER_FEATURE = 2
# 10 points per doubling (or halving) of the odds of converting; odds rather than rates so that a common
# outcome (a 60% base rate) can still earn positive points.
POINTS_PER_DOUBLING = 10
MIN_POINTS = 3


class PointsModel:
    def __init__(self, rules=None, category_labels=None, categorical_features=None, random_state: int = 0):
        self.rules = rules
        self.category_labels = category_labels
        self.categorical_features = categorical_features
        self.random_state = random_state

    # --- evaluation of rules ----------------------------------------------------------------------------
    def _condition(self, X: pd.DataFrame, when: dict) -> np.ndarray:
        column, op = when["column"], when["op"]
        if op not in OPS:
            raise ValueError(f"rule on {column!r} has unknown operator {op!r}; expected one of {OPS}")
        if column not in X:
            return np.zeros(len(X), dtype=bool)
        values = X[column].to_numpy(dtype="float64")
        if op == "is_missing":
            return np.isnan(values)
        target = when["value"]
        labels = (self.category_labels or {}).get(column)
        if labels is not None and isinstance(target, str):
            target = float(labels.index(target)) if target in labels else np.nan
        target = float(target)
        with np.errstate(invalid="ignore"):
            hit = {">=": values >= target, "<": values < target, "==": values == target,
                   "!=": values != target}[op]
        return hit & ~np.isnan(values)

    def points_by_feature(self, X: pd.DataFrame) -> np.ndarray:
        out = np.zeros((len(X), len(self.feature_names_)))
        for rule in self.rules_:
            j = self.feature_names_.index(rule["when"]["column"])
            out[:, j] += rule["points"] * self._condition(X, rule["when"])
        return out

    def total_points(self, X: pd.DataFrame) -> np.ndarray:
        return self.points_by_feature(X).sum(axis=1)

    # --- fit ---------------------------------------------------------------------------------------------
    def fit(self, X: pd.DataFrame, y) -> "PointsModel":
        y = np.asarray(y, dtype="float64")
        self.feature_names_ = list(X.columns)
        unknown = [r["when"]["column"] for r in (self.rules or []) if r["when"]["column"] not in self.feature_names_]
        if unknown:
            raise ValueError(f"rules name columns that are not features: {unknown}")
        self.rules_ = list(self.rules) if self.rules is not None else self.default_rules(X, y)
        points = self.points_by_feature(X)
        total = points.sum(axis=1, keepdims=True)
        # One-feature logistic fit turns points into probabilities; the slope keeps contributions additive.
        if np.ptp(total) > 0:
            fit = LogisticRegression(C=10.0).fit(total, y)
            self.slope_, intercept = float(fit.coef_[0, 0]), float(fit.intercept_[0])
        else:
            base = np.clip(y.mean(), 1e-3, 1 - 1e-3)
            self.slope_, intercept = 0.0, float(np.log(base / (1 - base)))
        self.points_mean_ = points.mean(axis=0)
        self.expected_value_ = intercept + self.slope_ * float(self.points_mean_.sum())
        self.classes_ = np.array([0, 1])
        return self

    def default_rules(self, X: pd.DataFrame, y: np.ndarray) -> list[dict]:
        base = (y.sum() + 1) / (len(y) + 2)
        base_odds = base / (1 - base)
        candidates = []
        for name in X.columns:
            per_feature = []
            for when in self._candidate_conditions(name, X[name]):
                hit = self._condition(X, when)
                support = hit.mean()
                if support < MIN_SUPPORT or hit.sum() < 5 or support > 1 - MIN_SUPPORT:
                    continue
                rate = (y[hit].sum() + base * 2) / (hit.sum() + 2)
                lift = (rate / (1 - rate)) / base_odds
                points = int(np.clip(round(POINTS_PER_DOUBLING * np.log2(lift)), -20, 20))
                if abs(points) >= MIN_POINTS:
                    per_feature.append({"when": when, "points": points, "_weight": abs(points) * np.sqrt(support)})
            per_feature.sort(key=lambda r: -r["_weight"])
            candidates += per_feature[:RULES_PER_FEATURE]
        candidates.sort(key=lambda r: -r["_weight"])
        return [{"when": r["when"], "points": r["points"]} for r in candidates[:MAX_RULES]]

    def _candidate_conditions(self, name: str, column: pd.Series) -> list[dict]:
        values = column.to_numpy(dtype="float64")
        finite = values[~np.isnan(values)]
        conditions = [{"column": name, "op": "is_missing"}] if np.isnan(values).any() else []
        labels = (self.category_labels or {}).get(name)
        if labels is not None:
            conditions += [{"column": name, "op": "==", "value": label} for label in labels]
        elif finite.size and np.isin(np.unique(finite), [0.0, 1.0]).all():
            conditions += [{"column": name, "op": "==", "value": 1}, {"column": name, "op": "==", "value": 0}]
        elif finite.size:
            for q in np.unique(np.quantile(finite, [0.25, 0.5, 0.75])):
                conditions.append({"column": name, "op": ">=", "value": float(q)})
        return conditions

    # --- prediction -----------------------------------------------------------------------------------
    def contributions(self, X: pd.DataFrame) -> np.ndarray:
        return self.slope_ * (self.points_by_feature(X) - self.points_mean_)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        logit = self.expected_value_ + self.contributions(X).sum(axis=1)
        p = 1 / (1 + np.exp(-logit))
        return np.column_stack([1 - p, p])
