import numpy as np
import pandas as pd

from scoring.models.additive import AdditiveBoostingClassifier


def frame(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"visits": rng.poisson(3, n).astype(float), "minutes": rng.exponential(5, n),
                      "industry": rng.integers(0, 5, n).astype(float), "flag": rng.integers(0, 2, n).astype(float)})
    X.loc[rng.random(n) < 0.1, "minutes"] = np.nan
    z = (0.5 * X.visits - 1.0 * (X.industry == 2) + np.nan_to_num(X.minutes) * 0.1 + X.flag - 2
         + 1.5 * X.flag * (X.industry == 3))  # an interaction the pair tables must find
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    return X, y


def model(X, y, **options):
    return AdditiveBoostingClassifier(n_estimators=150, categorical_features=["industry"], **options).fit(X, y)


def test_compiled_tables_reproduce_lightgbm_raw_scores():
    X, y = frame()
    m = model(X, y)
    fresh, _ = frame(2000, seed=5)
    fresh.loc[:5, "industry"] = 9.0  # a code never seen in training
    fresh.loc[6:20, "flag"] = np.nan
    assert m.pairs_, "the planted flag x industry interaction gives at least one pair table"
    assert np.allclose(m.raw_score(fresh), m.booster_raw_score(fresh), atol=1e-9, rtol=0)


def test_the_planted_interaction_is_found_first():
    X, y = frame(6000)
    names = list(X.columns)
    assert model(X, y).pairs_[0] == tuple(sorted((names.index("flag"), names.index("industry"))))


def test_contributions_equal_treeshap_for_main_effects_only():
    X, y = frame()
    m = model(X, y, max_pairs=0)
    shap = m.boosters_[0][0].predict(X.to_numpy(), pred_contrib=True)
    assert np.allclose(m.contributions(X), shap[:, :-1], atol=1e-6)
    assert np.isclose(m.expected_value_, shap[0, -1], atol=1e-6)


def test_probabilities_match_contributions():
    X, y = frame()
    m = model(X, y)
    p = m.predict_proba(X)[:, 1]
    assert np.allclose(np.log(p / (1 - p)), m.expected_value_ + m.contributions(X).sum(axis=1), atol=1e-9)


def test_pair_tables_hold_only_the_interaction():
    X, y = frame(6000)
    m = model(X, y)
    index = m.tables_.bin_matrix(X.to_numpy())
    for (i, j), table in m.tables_.pairs.items():
        cell = pd.Series(table[index[:, i], index[:, j]])
        # Averaged over the training rows in any bin of either feature, a pure interaction leaves nothing:
        # all that one feature explains alone sits in its main-effect table, where reasons read it.
        for k in (i, j):
            assert cell.groupby(index[:, k]).mean().abs().max() < 1e-3
