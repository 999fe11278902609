"""Scores spread over 0-100 and tiers sized as configured, on held-out rows of a generated set: no score holds
more than 5% of records, default tier shares close to tiers.DEFAULT_SHARES, conversion falling from A to D."""
import numpy as np
import pytest

from scoring.tiers import DEFAULT_SHARES, TIERS, ScoreScale
from scoring.training import TrainingOptions, train

from .datasets import b2b_leads

SHARE_TOLERANCE = 0.05


@pytest.fixture(scope="module")
def trained():
    frame, facts = b2b_leads(n=4000, seed=21)
    return train(frame, TrainingOptions(target=facts["target"], id_column=facts["id"])).model


def test_no_score_holds_more_than_five_percent_and_the_range_is_used(trained):
    rows = np.asarray(trained.metadata["holdout_by_score"]["rows"])
    assert rows.max() / rows.sum() <= 0.05
    used = np.flatnonzero(rows)
    assert used.min() <= 5 and used.max() >= 95


def test_default_tier_shares_on_held_out_rows_and_conversion_falls(trained):
    metrics = trained.metadata["metrics"]
    expected = {**DEFAULT_SHARES, "D": 1 - sum(DEFAULT_SHARES.values())}
    for tier in TIERS:
        assert metrics[f"share_{tier}"] == pytest.approx(expected[tier], abs=SHARE_TOLERANCE), tier
    rates = [metrics[f"conversion_rate_{tier}"] for tier in TIERS]
    assert all(a > b for a, b in zip(rates, rates[1:])), rates


def test_scale_ranks_and_keeps_ties_together():
    scale = ScoreScale(np.r_[np.full(500, 0.02), np.linspace(0.1, 0.9, 500)])
    tied = scale(np.array([0.02, 0.02]))
    assert tied[0] == tied[1] == 25                       # a tied block sits at the middle of its ranks
    assert scale(np.array([0.0]))[0] == 25 and scale(np.array([1.0]))[0] == 100
    spread = scale(np.linspace(0.1, 0.9, 500))
    assert np.all(np.diff(spread) >= 0) and spread.min() <= 51 and spread.max() == 100
