import numpy as np
import pandas as pd
import pytest
from scipy.special import logit

from scoring.calibration import Calibrator
from scoring.models.lightgbm_full import FullLightGBMClassifier
from scoring.models.logistic import LogisticBaseline
from scoring.models.points import PointsModel
from scoring.tiers import assign_tiers, cuts_from_shares, validate_cuts
from scoring.schema import infer_schema
from scoring.training import TrainingError, TrainingOptions, fingerprint, train, train_model

from .datasets import b2b_leads, consumer_signups, tiny_history


@pytest.fixture(scope="module")
def b2b_matrix():
    frame, facts = b2b_leads(n=1500)
    result = train(frame, TrainingOptions(target=facts["target"], id_column=facts["id"], learner="lightgbm"))
    model = result.model
    y = (frame[facts["target"]] == "Y").to_numpy().astype(float)
    return model.builder.transform(frame), y, model.builder


@pytest.mark.parametrize("make", [
    lambda cats, labels: FullLightGBMClassifier(n_estimators=50, categorical_features=cats),
    lambda cats, labels: LogisticBaseline(categorical_features=cats),
    lambda cats, labels: PointsModel(category_labels=labels, categorical_features=cats),
], ids=["lightgbm", "logistic", "points"])
def test_contributions_add_up_to_the_log_odds(b2b_matrix, make):
    X, y, builder = b2b_matrix
    labels = {f.name: f.categories for f in builder.feature_info_ if f.kind == "category"}
    learner = make(builder.categorical_features_, labels).fit(X, y)
    contributions = learner.contributions(X)
    assert contributions.shape == X.shape
    p = learner.predict_proba(X)[:, 1]
    np.testing.assert_allclose(logit(np.clip(p, 1e-12, 1 - 1e-12)),
                               learner.expected_value_ + contributions.sum(axis=1), atol=1e-6)


def test_points_rules_are_editable_data(b2b_matrix):
    X, y, builder = b2b_matrix
    labels = {f.name: f.categories for f in builder.feature_info_ if f.kind == "category"}
    rules = [{"when": {"column": "Pricing page visits", "op": ">=", "value": 3}, "points": 10},
             {"when": {"column": "Industry", "op": "==", "value": "Education"}, "points": -8},
             {"when": {"column": "company_size", "op": "is_missing"}, "points": -2}]
    model = PointsModel(rules=rules, category_labels=labels).fit(X, y)
    education = (X["Industry"] == labels["Industry"].index("Education")).to_numpy()
    many_visits = (X["Pricing page visits"] >= 3).to_numpy()
    total = model.total_points(X)
    assert total[many_visits & ~education & X["company_size"].notna().to_numpy()].min() == 10
    assert total[education & ~many_visits & X["company_size"].notna().to_numpy()].max() == -8
    with pytest.raises(ValueError, match="not features"):
        PointsModel(rules=[{"when": {"column": "nope", "op": ">=", "value": 1}, "points": 1}]).fit(X, y)


def test_default_points_rules_come_from_univariate_lift():
    frame, facts = tiny_history()
    result = train(frame, TrainingOptions(target=facts["target"]))
    meta = result.model.metadata
    assert meta["learner"] == "points" and "too thin" in meta["learner_reason"]
    webinar = {r["when"].get("value"): r["points"] for r in meta["points_rules"]
               if r["when"]["column"] == "attended_webinar"}
    assert webinar[1] > 0 > webinar[0]   # the planted signal: points for attending, negative points for not
    assert {"downloads", "source"} & {r["when"]["column"] for r in meta["points_rules"]}


@pytest.mark.slow
def test_tiers_fall_from_a_to_d_and_learners_beat_the_coin_on_unseen_shapes():
    for frame, facts in (b2b_leads(n=2500), consumer_signups(n=2000)):
        meta = train(frame, TrainingOptions(target=facts["target"], positive=facts["positive"],
                                            id_column=facts["id"])).model.metadata
        rates = [meta["metrics"][f"conversion_rate_{t}"] for t in "ABCD"]
        assert rates == sorted(rates, reverse=True), rates
        assert meta["metrics"]["roc_auc"] > 0.7
        assert meta["metrics"]["logistic_holdout_roc_auc"] > 0.6


def test_records_without_outcome_are_scored_not_trained_on():
    frame, facts = consumer_signups(n=1500)
    result = train(frame, TrainingOptions(target=facts["target"], positive="bought"))
    unlabelled = (frame[facts["target"]] == "").sum()
    assert result.model.metadata["unlabelled_rows"] == unlabelled > 0
    assert result.model.metadata["labelled_rows"] == len(frame) - unlabelled
    assert len(result.model.score(frame)) == len(frame)


@pytest.fixture(scope="module")
def b2b_result():
    """One model for the tests below, trained the way workers call it: a frame, a Schema and the label column.
    A tree learner, so the creation date's effect is non-linear and shows among the reasons."""
    frame, facts = b2b_leads(n=1500)
    schema = infer_schema(frame.drop(columns=[facts["target"]]))
    return frame, facts, train_model(frame, schema, facts["target"], id_column=facts["id"], segments=("Gender",),
                                     learner="additive")


def test_creation_dates_give_a_time_ordered_split(b2b_result):
    frame, facts, result = b2b_result
    assert result.model.metadata["split"].startswith("time-ordered")
    dates = pd.to_datetime(frame["Created Date"])
    held_out = dates.loc[result.holdout_index]
    assert held_out.min() >= dates.drop(result.holdout_index).max()


def test_calibration_is_chosen_by_data_size():
    rng = np.random.default_rng(0)
    p = rng.random(3000)
    y = (rng.random(3000) < p).astype(float)
    large = Calibrator().fit(p, y)
    assert large.method_ == "isotonic"
    # The isotonic staircase read through its step centres: calibrated, yet the model's order kept (no ties).
    calibrated = large.transform(p)
    assert len(np.unique(calibrated)) > 0.9 * len(p)
    assert np.all(np.diff(calibrated[np.argsort(p)]) >= 0)
    assert abs(calibrated.mean() - y.mean()) < 0.02
    small = Calibrator().fit(p[:300], y[:300])
    assert small.method_ == "platt"
    assert np.all(np.diff(small.transform(np.linspace(0.01, 0.99, 20))) > 0)


def test_tier_cuts_are_configurable_and_checked():
    cuts = validate_cuts({"A": 70, "B": 45, "C": 20, "D": 0})
    assert assign_tiers([95, 70, 69, 45, 20, 3], cuts).tolist() == ["A", "A", "B", "B", "C", "D"]
    with pytest.raises(ValueError):
        validate_cuts({"A": 40, "B": 45, "C": 20, "D": 0})
    coarse = cuts_from_shares(np.array([5] * 90 + [80] * 10))
    assert coarse["A"] > coarse["B"] > coarse["C"] > coarse["D"] == 0


@pytest.mark.parametrize("frame, options, message", [
    (pd.DataFrame({"a": [1, 2]}), TrainingOptions(target="b"), "no column named 'b'"),
    (pd.DataFrame({"a": [1, 2], "t": [1, 1]}), TrainingOptions(target="t"), "same value"),
    (pd.DataFrame({"a": [1, 2], "t": ["", None]}), TrainingOptions(target="t"), "no record has an outcome"),
    (pd.DataFrame({"a": [1, 2], "t": ["x", "z"]}), TrainingOptions(target="t"), "--positive"),
    (pd.DataFrame(columns=["a", "t"]), TrainingOptions(target="t"), "no rows"),
])
def test_unusable_inputs_raise_one_clear_error(frame, options, message):
    with pytest.raises(TrainingError, match=message):
        train(frame, options)


def test_fingerprint_depends_on_the_data():
    frame, _ = tiny_history()
    assert fingerprint(frame) == fingerprint(frame.copy())
    assert fingerprint(frame) != fingerprint(frame.iloc[1:])


def test_report_data_follows_the_contract_when_the_report_package_is_present(b2b_result):
    pytest.importorskip("scoring.report.data", reason="E2's report package is not in the tree yet")
    frame, facts, result = b2b_result
    report = result.report
    assert len(report.y_true) == len(report.probability) == len(report.tiers) == len(result.holdout_index)
    assert len(report.segments["Gender"]) == len(result.holdout_index) and len(report.scores) == len(frame)
    assert report.top_factors[0][1] >= report.top_factors[-1][1]
    assert {e["column"] for e in report.excluded} >= {"Gender", facts["leak"]}


def test_scores_carry_reasons(b2b_result):
    frame, facts, result = b2b_result
    scored = result.model.score(frame.head(50))
    assert list(scored.columns) == ["score", "probability", "tier", "reasons"]
    assert scored["reasons"].str.len().gt(0).all()
    assert not scored["reasons"].str.contains(r"\d\.\d{3,}").any()   # no raw floats in the words
    reasons = scored["reasons"].str.split("; ").explode()
    marked = reasons[reasons.str.match("[▲▼]")]
    # every reason says the score points it moved, in its own direction
    assert marked.str.match(r"▲ .+ \(\+\d+\)$|▼ .+ \(\u2212\d+\)$").all()
    low = scored[scored["tier"].isin(["C", "D"]) & scored["reasons"].str.contains("▼")]
    assert low["reasons"].str.replace(r"^(Insufficient data|Not known)[^▲▼]*", "", regex=True).str.startswith("▼").all()


def test_drift_against_the_reference_kept_in_the_model(b2b_result):
    frame, facts, result = b2b_result
    model = result.model
    assert set(model.summary()["drift_reference"]) == {"score", "features"}
    # The report measures the held-out rows (the newest leads) against training: nothing there calls for retraining.
    held_out = result.report.drift
    assert held_out["rows"] == len(result.holdout_index) and held_out["level"] in ("stable", "watch")
    same = model.drift(frame)
    assert same.level == "stable" and same.rows == len(frame) and len(same.feature_psi) >= 1
    shifted = frame.copy()
    watched = next(iter(same.feature_psi))
    shifted[watched] = shifted[watched].sample(frac=1, random_state=0).to_numpy()[::-1]
    shifted = shifted.sort_values(watched).head(len(frame) // 3)   # a batch from one end of a watched feature
    assert model.drift(shifted).as_dict()["level"] in ("watch", "act")
    assert model.drift(np.full(500, 99)).score_psi > 0.25       # scores alone: every record suddenly top-scored


def test_a_points_champion_shows_no_drift_on_records_like_its_training_data():
    # Regression: the reference used to hold out-of-fold scores, and points rules refitted per fold score on
    # other point values, so a points model read as drifting (PSI ~4) on the very records it was trained on.
    frame, facts = b2b_leads(3000, seed=3)
    model = train_model(frame, None, facts["target"], learner="points").model
    fresh, _ = b2b_leads(3000, seed=4)
    assert model.metadata["learner"] == "points"
    assert model.drift(fresh.drop(columns=[facts["target"]])).score_psi < 0.1


def test_ages_of_records_newer_than_training_are_never_negative_and_grow_with_as_of(b2b_result):
    frame, facts, result = b2b_result
    model = result.model
    newer = frame.head(2).copy()
    newer[facts["date"]] = (model.builder.reference_time_ + pd.Timedelta(days=10)).strftime("%Y-%m-%d")
    assert model.builder.transform(newer)[facts["date"]].tolist() == [0.0, 0.0]
    forty_days_on = (model.builder.reference_time_ + pd.Timedelta(days=40)).tz_localize("UTC").to_pydatetime()
    assert model.builder.at(forty_days_on).transform(newer)[facts["date"]].tolist() == [30.0, 30.0]
    assert model.score(newer, as_of=forty_days_on)["reasons"].str.contains("Created 30 days ago").any()
