"""The unconstrained, lightly tuned LightGBM: the best model without the speed constraint."""
from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd


class FullLightGBMClassifier:
    def __init__(self, n_estimators: int = 300, learning_rate: float = 0.05, num_leaves: int = 31,
                 min_child_samples: int = 20, subsample: float = 0.8, colsample_bytree: float = 0.8,
                 reg_lambda: float = 1.0, n_jobs: int = 1, categorical_features=None, random_state: int = 0):
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.n_jobs = n_jobs  # one thread, as in additive.py (why is noted there)
        self.categorical_features = categorical_features
        self.random_state = random_state

    def _matrix(self, X: pd.DataFrame) -> np.ndarray:
        return X[self.feature_names_].to_numpy(dtype="float64")

    def fit(self, X: pd.DataFrame, y) -> "FullLightGBMClassifier":
        self.feature_names_ = list(X.columns)
        categorical = set(self.categorical_features or ())
        # LightGBM rejects some characters in feature names (JSON ones), so it sees positions, not names.
        params = dict(objective="binary", learning_rate=self.learning_rate, num_leaves=self.num_leaves,
                      min_child_samples=self.min_child_samples, bagging_fraction=self.subsample, bagging_freq=1,
                      feature_fraction=self.colsample_bytree, lambda_l2=self.reg_lambda, num_threads=self.n_jobs,
                      seed=self.random_state, verbose=-1, cat_smooth=10, min_data_per_group=20)
        data = lgb.Dataset(self._matrix(X), label=np.asarray(y, dtype="float64"),
                           categorical_feature=[i for i, n in enumerate(self.feature_names_) if n in categorical],
                           free_raw_data=True)
        self.booster_ = lgb.train(params, data, num_boost_round=self.n_estimators)
        self.classes_ = np.array([0, 1])
        bias = self.booster_.predict(self._matrix(X.iloc[:1]), pred_contrib=True)[0, -1]
        self.expected_value_ = float(bias)  # TreeSHAP's bias column is the same for every row
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        p = self.booster_.predict(self._matrix(X))
        return np.column_stack([1 - p, p])

    def contributions(self, X: pd.DataFrame) -> np.ndarray:
        return self.booster_.predict(self._matrix(X), pred_contrib=True)[:, :-1]
