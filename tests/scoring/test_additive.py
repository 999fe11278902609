import numpy as np
import pandas as pd

from scoring.models.additive import AdditiveBoostingClassifier


def frame(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"visits": rng.poisson(3, n).astype(float), "minutes": rng.exponential(5, n),
                      "industry": rng.integers(0, 5, n).astype(float), "flag": rng.integers(0, 2, n).astype(float)})
    X.loc[rng.random(n) < 0.1, "minutes"] = np.nan
    z = 0.5 * X.visits - 1.0 * (X.industry == 2) + np.nan_to_num(X.minutes) * 0.1 + X.flag - 2
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    return X, y


def model(X, y):
    return AdditiveBoostingClassifier(n_estimators=150, categorical_features=["industry"]).fit(X, y)


def test_compiled_tables_reproduce_lightgbm_raw_scores():
    X, y = frame()
    m = model(X, y)
    fresh, _ = frame(2000, seed=5)
    fresh.loc[:5, "industry"] = 9.0  # a code never seen in training
    lgb_raw = m.booster_.predict(fresh.to_numpy(), raw_score=True)
    assert np.allclose(m.raw_score(fresh), lgb_raw, atol=1e-9, rtol=0)


def test_contributions_equal_treeshap_for_an_additive_model():
    X, y = frame()
    m = model(X, y)
    shap = m.booster_.predict(X.to_numpy(), pred_contrib=True)
    assert np.allclose(m.contributions(X), shap[:, :-1], atol=1e-6)
    assert np.isclose(m.expected_value_, shap[0, -1], atol=1e-6)


def test_probabilities_match_contributions():
    X, y = frame()
    m = model(X, y)
    p = m.predict_proba(X)[:, 1]
    assert np.allclose(np.log(p / (1 - p)), m.expected_value_ + m.contributions(X).sum(axis=1), atol=1e-9)
