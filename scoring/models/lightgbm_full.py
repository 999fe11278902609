"""The unconstrained LightGBM, tuned on the training rows, with fast exact-sum reasons.

Reasons are path attributions (Saabas): walking a tree from its root to a leaf, each split credits its feature
with the change in the node's value. The trees are compiled once after fit into numpy numbers (tree_paths.py),
and scoring walks them column-wise: many times faster than TreeSHAP (`pred_contrib`), summing to the raw score
exactly. Scoring never touches the booster, so a saved model keeps it as LightGBM's model text and loading one to
score does not import LightGBM (a second of start-up, most of it the scikit-learn LightGBM imports with it).
"""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from .tree_paths import CompiledTrees

# The small search: tree size and leaf size, each scored by inner-fold cross-validation with early stopping.
GRID = {"num_leaves": (7, 15, 31, 63), "min_child_samples": (20, 80)}
TUNE_FOLDS = 3
# LightGBM's own default rate: early stopping finds the rounds for it, half as many as at 0.05 for the same AUC.
TUNE_RATE = 0.1
TUNE_ROUNDS = 2000
EARLY_STOP = 50
# Tuning on more rows than this picks the same settings at a fraction of the cost.
TUNE_SAMPLE = 40_000


class FullLightGBMClassifier:
    def __init__(self, n_estimators: int = 300, learning_rate: float = 0.05, num_leaves: int = 31,
                 min_child_samples: int = 20, subsample: float = 0.8, colsample_bytree: float = 0.8,
                 reg_lambda: float = 1.0, n_jobs: int = 1, categorical_features=None, random_state: int = 0,
                 tune: bool = False):
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
        # Tune on the rows fit is given, then fit with the settings chosen: in the learner contest every fold's
        # fit tunes on that fold's rows alone (nested cross-validation), so no AUC it is judged by saw its tuning.
        self.tune = tune

    def _matrix(self, X: pd.DataFrame) -> np.ndarray:
        return X[self.feature_names_].to_numpy(dtype="float64")

    def _params(self) -> dict:
        return dict(objective="binary", learning_rate=self.learning_rate, num_leaves=self.num_leaves,
                    min_child_samples=self.min_child_samples, bagging_fraction=self.subsample, bagging_freq=1,
                    feature_fraction=self.colsample_bytree, lambda_l2=self.reg_lambda, num_threads=self.n_jobs,
                    seed=self.random_state, verbose=-1, cat_smooth=10, min_data_per_group=20)

    def _dataset(self, X: pd.DataFrame, y):
        import lightgbm as lgb

        categorical = set(self.categorical_features or ())
        # LightGBM rejects some characters in feature names (JSON ones), so it sees positions, not names.
        return lgb.Dataset(self._matrix(X), label=np.asarray(y, dtype="float64"),
                           categorical_feature=[i for i, n in enumerate(self.feature_names_) if n in categorical],
                           free_raw_data=False)

    def tuned(self, X: pd.DataFrame, y) -> "FullLightGBMClassifier":
        """A copy with the grid's best settings and number of rounds, chosen by cross-validated ROC AUC with
        early stopping on folds of the rows given (the training rows: held-out rows never take part)."""
        import lightgbm as lgb

        y = np.asarray(y)
        if len(y) > TUNE_SAMPLE:
            keep = np.random.default_rng(self.random_state).choice(len(y), TUNE_SAMPLE, replace=False)
            X, y = X.iloc[np.sort(keep)], y[np.sort(keep)]
        self.feature_names_ = list(X.columns)
        data = self._dataset(X, y)
        best = (-np.inf, {}, self.n_estimators)
        for leaves, child in itertools.product(GRID["num_leaves"], GRID["min_child_samples"]):
            trial = self.clone(num_leaves=leaves, min_child_samples=child, learning_rate=TUNE_RATE)
            params = {**trial._params(), "metric": "auc"}
            result = lgb.cv(params, data, num_boost_round=TUNE_ROUNDS, nfold=TUNE_FOLDS, stratified=True,
                            seed=self.random_state, callbacks=[lgb.early_stopping(EARLY_STOP, verbose=False)])
            auc = result["valid auc-mean"]
            if auc[-1] > best[0]:
                best = (auc[-1], {"num_leaves": leaves, "min_child_samples": child}, len(auc))
        self.tuning_ = {"cv_roc_auc": float(best[0]), "n_estimators": best[2], **best[1]}
        return self.clone(**best[1], n_estimators=best[2], learning_rate=TUNE_RATE, tune=False)

    def settled(self) -> "FullLightGBMClassifier":
        """An unfitted copy with the settings in use (those tuning chose, when it tuned): to refit on more rows
        without tuning again."""
        return getattr(self, "settled_", self).clone()

    def clone(self, **changes) -> "FullLightGBMClassifier":
        settings = {k: getattr(self, k) for k in ("n_estimators", "learning_rate", "num_leaves", "min_child_samples",
                                                  "subsample", "colsample_bytree", "reg_lambda", "n_jobs",
                                                  "categorical_features", "random_state", "tune")}
        return FullLightGBMClassifier(**{**settings, **changes})

    def fit(self, X: pd.DataFrame, y) -> "FullLightGBMClassifier":
        if self.tune:
            self.settled_ = self.tuned(X, y)
            fitted = self.settled_.clone().fit(X, y)
            self.__dict__.update({k: v for k, v in fitted.__dict__.items() if k.endswith("_") and k != "tuning_"})
            return self
        import lightgbm as lgb

        self.feature_names_ = list(X.columns)
        data = self._dataset(X, y)
        self.booster_ = lgb.train(self._params(), data, num_boost_round=self.n_estimators)
        self.classes_ = np.array([0, 1])
        self.trees_ = CompiledTrees(self.booster_.dump_model(), len(self.feature_names_))
        self.expected_value_ = self.trees_.bias
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-self.trees_.raw_score(self._matrix(X))))
        return np.column_stack([1 - p, p])

    def contributions(self, X: pd.DataFrame) -> np.ndarray:
        return self.trees_.contributions(self._matrix(X))

    def probability_from(self, contributions: np.ndarray) -> np.ndarray:
        """The model's probability from its contributions (they sum to the raw score): no second pass."""
        return 1.0 / (1.0 + np.exp(-(self.expected_value_ + contributions.sum(axis=1))))

    # The booster (for tuning checks and pred_contrib comparisons) is saved as its model text and rebuilt on
    # first use, so unpickling a model to score it needs no LightGBM.
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        if "booster_" in state:
            state["booster_text_"] = state.pop("booster_").model_to_string()
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if "trees_" not in state and "booster_" in state:  # saved before the trees were compiled: compiled now
            self.trees_ = CompiledTrees(self.booster_.dump_model(), len(self.feature_names_))
            for stale in ("leaf_table_", "leaf_offsets_"):
                self.__dict__.pop(stale, None)

    def __getattr__(self, name: str):
        if name == "booster_" and "booster_text_" in self.__dict__:
            import lightgbm as lgb

            self.booster_ = lgb.Booster(model_str=self.__dict__.pop("booster_text_"))
            return self.booster_
        raise AttributeError(name)
