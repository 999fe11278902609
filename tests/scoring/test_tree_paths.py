"""The compiled trees decide every split as LightGBM does: their raw score equals the booster's on records with
blanks, zeros, negative and unseen category codes, on every kind of split (numerical with each missing type,
categorical), and the path attributions sum to it; a saved model scores without importing LightGBM."""
import pickle
import subprocess
import sys

import numpy as np
import pandas as pd

from scoring.models.lightgbm_full import FullLightGBMClassifier


def awkward_rows(n: int = 4000, seed: int = 11) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "visits": rng.poisson(2, n).astype(float),                    # many zeros: missing type Zero splits
        "minutes": np.where(rng.random(n) < 0.2, np.nan, rng.exponential(10, n)),  # NaN splits
        "balance": rng.normal(0, 50, n),                              # negatives, no blanks
        "industry": np.where(rng.random(n) < 0.1, np.nan, rng.integers(0, 12, n)).astype(float),
    })
    z = (0.5 * frame["visits"] + 0.05 * frame["minutes"].fillna(-20) + 0.01 * frame["balance"]
         + np.isin(frame["industry"], [1, 4, 7]) - 2)
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    return frame, y


def test_raw_score_and_attributions_match_the_booster():
    X, y = awkward_rows()
    learner = FullLightGBMClassifier(n_estimators=60, num_leaves=15, categorical_features=["industry"]).fit(X, y)
    splits = [s for tree in learner.trees_.trees for s in tree.splits]
    assert {s.missing for s in splits} >= {"None", "NaN"} and any(s.categories is not None for s in splits)
    fresh, _ = awkward_rows(seed=12)
    fresh.loc[:50, "industry"] = 25.0   # a code training never saw
    fresh.loc[50:100, "industry"] = -1.0
    fresh.loc[100:150, "visits"] = np.nan
    matrix = fresh.to_numpy(dtype="float64")
    expected = learner.booster_.predict(matrix, raw_score=True)
    np.testing.assert_allclose(learner.trees_.raw_score(matrix), expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(learner.expected_value_ + learner.contributions(fresh).sum(axis=1), expected,
                               rtol=0, atol=1e-9)


def test_a_saved_model_scores_without_lightgbm(tmp_path):
    X, y = awkward_rows(n=1000)
    learner = FullLightGBMClassifier(n_estimators=20, categorical_features=["industry"]).fit(X, y)
    (tmp_path / "learner.pkl").write_bytes(pickle.dumps(learner))
    X.to_pickle(tmp_path / "rows.pkl")
    check = ("import pickle, sys, pandas as pd; "
             f"m = pickle.loads(open({str(tmp_path / 'learner.pkl')!r}, 'rb').read()); "
             f"m.contributions(pd.read_pickle({str(tmp_path / 'rows.pkl')!r})); "
             "print('lightgbm' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    again = pickle.loads((tmp_path / "learner.pkl").read_bytes())
    np.testing.assert_allclose(again.booster_.predict(X.to_numpy(dtype="float64")), learner.predict_proba(X)[:, 1],
                               rtol=0, atol=1e-12)
