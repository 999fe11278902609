"""The default learner: additive boosting (one feature per tree) compiled into per-feature lookup tables.

Each tree may split on one feature only (LightGBM `interaction_constraints` with every feature in its own
group), so the model is raw(x) = bias + sum_j f_j(x_j). After fit every f_j is compiled into a
piecewise-constant table over the feature's split points; contributions are then one `np.searchsorted` and
one gather per feature: exact (they are the model itself) and far faster than TreeSHAP.
"""
from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd


class FeatureTable:
    """f_j as a table: numeric features by interval between split points, categorical ones by code."""

    def __init__(self, thresholds: np.ndarray, values: np.ndarray, missing: float, categorical: bool):
        self.thresholds = thresholds  # numeric: sorted split points; categorical: unused (empty)
        self.values = values          # numeric: one per interval; categorical: one per code, last = unseen code
        self.missing = missing
        self.categorical = categorical

    def evaluate(self, column: np.ndarray) -> np.ndarray:
        nan = np.isnan(column)
        if self.categorical:
            codes = np.where(nan, 0, column)
            # LightGBM truncates category values to int; codes it never split on share the "unseen" slot.
            index = np.clip(codes, 0, len(self.values) - 1).astype(np.int64)
        else:
            # LightGBM sends x <= threshold left, so interval i is (t[i-1], t[i]]: searchsorted side="left".
            index = np.searchsorted(self.thresholds, np.where(nan, 0.0, column), side="left")
        out = self.values[index]
        out[nan] = self.missing
        return out


def split_points(tree_dumps: list[dict], n_features: int) -> tuple[list[set], list[set]]:
    """Per feature: numeric thresholds and categorical codes used by any split of any tree."""
    numeric = [set() for _ in range(n_features)]
    codes = [set() for _ in range(n_features)]
    stack = [t["tree_structure"] for t in tree_dumps]
    while stack:
        node = stack.pop()
        if "split_feature" not in node:
            continue
        j = node["split_feature"]
        if node["decision_type"] == "==":
            codes[j].update(int(c) for c in str(node["threshold"]).split("||"))
        else:
            numeric[j].add(float(node["threshold"]))
        stack.extend((node["left_child"], node["right_child"]))
    return numeric, codes


def representatives(thresholds: np.ndarray) -> np.ndarray:
    """One value inside each interval (-inf, t0], (t0, t1], ..., (tk, inf): the upper ends, then beyond."""
    if len(thresholds) == 0:
        return np.array([0.0])
    beyond = thresholds[-1] + max(1.0, abs(thresholds[-1]))
    return np.append(thresholds, beyond)


def compile_booster(booster: lgb.Booster, n_features: int, categorical: set[int]) -> tuple[float, list[FeatureTable]]:
    """Tables such that raw_score(x) == bias + sum_j table_j(x_j), read off the booster's own predictions.

    The base row is all-missing; a probe row sets one feature to a representative value of each interval, so
    (probe - base) is f_j(value) - f_j(missing) exactly, whatever LightGBM's missing-value rules are."""
    numeric, codes = split_points(booster.dump_model()["tree_info"], n_features)
    probes, owners, grid = [], [], []
    for j in range(n_features):
        if j in categorical:
            values = np.arange(max(codes[j], default=-1) + 2, dtype="float64")  # every split code + "unseen"
            thresholds = np.array([])
        else:
            thresholds = np.array(sorted(numeric[j]))
            values = representatives(thresholds)
        grid.append(thresholds)
        probes.append(values)
        owners.append(np.full(len(values), j))
    values = np.concatenate(probes)
    owner = np.concatenate(owners)
    matrix = np.full((len(values) + 1, n_features), np.nan)
    matrix[np.arange(len(values)), owner] = values
    raw = booster.predict(matrix, raw_score=True)
    base = float(raw[-1])
    tables, start = [], 0
    for j in range(n_features):
        stop = start + len(probes[j])
        tables.append(FeatureTable(grid[j], raw[start:stop] - base, 0.0, j in categorical))
        start = stop
    return base, tables


class AdditiveBoostingClassifier:
    def __init__(self, n_estimators: int = 800, learning_rate: float = 0.05, num_leaves: int = 6,
                 min_child_samples: int = 20, reg_lambda: float = 1.0, n_jobs: int = 2,
                 categorical_features=None, random_state: int = 0):
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.reg_lambda = reg_lambda
        self.n_jobs = n_jobs
        self.categorical_features = categorical_features
        self.random_state = random_state

    def _matrix(self, X: pd.DataFrame) -> np.ndarray:
        return X[self.feature_names_].to_numpy(dtype="float64")

    def fit(self, X: pd.DataFrame, y) -> "AdditiveBoostingClassifier":
        self.feature_names_ = list(X.columns)
        n = len(self.feature_names_)
        categorical = {i for i, name in enumerate(self.feature_names_) if name in set(self.categorical_features or ())}
        # No bagging: each table's mean over the training rows is then also TreeSHAP's expectation.
        params = dict(objective="binary", learning_rate=self.learning_rate, num_leaves=self.num_leaves,
                      min_child_samples=self.min_child_samples, lambda_l2=self.reg_lambda,
                      num_threads=self.n_jobs, seed=self.random_state, verbose=-1, cat_smooth=10,
                      min_data_per_group=20, interaction_constraints=[[i] for i in range(n)])
        matrix = self._matrix(X)
        data = lgb.Dataset(matrix, label=np.asarray(y, dtype="float64"), categorical_feature=sorted(categorical))
        self.booster_ = lgb.train(params, data, num_boost_round=self.n_estimators)
        base, self.tables_ = compile_booster(self.booster_, n, categorical)
        # Centre each table on its training mean so a contribution reads "compared with the average lead".
        self.centres_ = np.array([t.evaluate(matrix[:, j]).mean() for j, t in enumerate(self.tables_)])
        self.expected_value_ = float(base + self.centres_.sum())
        self.classes_ = np.array([0, 1])
        return self

    def contributions(self, X: pd.DataFrame) -> np.ndarray:
        matrix = self._matrix(X)
        out = np.empty_like(matrix)
        for j, table in enumerate(self.tables_):
            out[:, j] = table.evaluate(matrix[:, j]) - self.centres_[j]
        return out

    def raw_score(self, X: pd.DataFrame) -> np.ndarray:
        return self.expected_value_ + self.contributions(X).sum(axis=1)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-self.raw_score(X)))
        return np.column_stack([1 - p, p])
