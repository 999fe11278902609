"""The best learner by default, chosen honestly: cross-validated on training rows, checked on held-out rows."""
import pytest

from scoring.training import TrainingOptions, train

from .datasets import bank_marketing_like, small_imbalanced


@pytest.mark.slow
@pytest.mark.parametrize("shape, winner", [(bank_marketing_like, "lightgbm"), (small_imbalanced, "logistic")])
def test_the_default_is_within_a_hair_of_the_better_of_tuned_lightgbm_and_logistic(shape, winner):
    frame, facts = shape()
    meta = train(frame, TrainingOptions(target=facts["target"], positive=facts["positive"])).model.metadata
    metrics = meta["metrics"]
    best = max(metrics["lightgbm_holdout_roc_auc"], metrics["logistic_holdout_roc_auc"])
    assert metrics["roc_auc"] >= best - 0.005, metrics
    # Thresholds and interactions favour trees; many weak linear signals on few rows favour logistic regression.
    assert meta["learner"] == winner and "cross-validated" in meta["learner_reason"], meta["learner_reason"]
    assert meta["lightgbm_tuning"]["n_estimators"] >= 1
    # Every candidate was fitted on the same training rows and checked on the same held-out rows.
    assert {f"{n}_holdout_roc_auc" for n in ("lightgbm", "logistic", "points")} <= set(metrics)
