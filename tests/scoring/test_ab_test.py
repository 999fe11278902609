"""The A/B statistics against textbook figures: Wilson intervals, a reproducible bootstrap, the sample size for a
20% lift, and the verdict an admin reads."""
from __future__ import annotations

import numpy as np
import pytest

from scoring.ab_test import Arm, bootstrap_median, rate_ratio, records_needed, verdict, wilson


def test_wilson_matches_the_textbook_interval():
    interval = wilson(10, 100)
    assert interval.estimate == 0.1
    assert interval.low == pytest.approx(0.0552, abs=1e-4) and interval.high == pytest.approx(0.1744, abs=1e-4)


def test_wilson_stays_inside_zero_and_one_at_the_edges():
    none = wilson(0, 10)
    assert none.low == 0 and none.high == pytest.approx(0.2775, abs=1e-4)
    every = wilson(10, 10)
    assert every.high == pytest.approx(1) and every.low == pytest.approx(0.7225, abs=1e-4)
    assert wilson(0, 0) is None


def test_the_bootstrap_is_reproducible_and_brackets_the_median():
    days = np.random.default_rng(1).exponential(20, size=300)
    first, second = bootstrap_median(days), bootstrap_median(days)
    assert first == second  # fixed seed: the same data gives the same interval on every page load
    assert first.low < first.estimate < first.high
    assert first.estimate == pytest.approx(np.median(days))
    assert bootstrap_median([3.0]) is None


def test_sample_size_for_a_20_percent_lift_matches_the_two_proportion_formula():
    # 10% vs 12%, equal arms, 5% two-sided, 80% power: about 3,839 per arm by the unpooled normal formula.
    assert records_needed(0.10, 0.5) == pytest.approx(2 * 3839, abs=3)
    # A 10% control arm needs more records in all for the same power.
    assert records_needed(0.10, 0.1) > records_needed(0.10, 0.5)
    assert records_needed(0.0, 0.1) is None


def test_rate_ratio_needs_conversions_in_both_arms():
    assert rate_ratio(10, 100, 0, 100) is None
    ratio = rate_ratio(140, 1000, 100, 1000)
    assert ratio.estimate == pytest.approx(1.4) and ratio.low < 1.4 < ratio.high


def test_a_clear_lift_is_stated_with_its_interval():
    result = verdict(Arm(records=9000, conversions=1260), Arm(records=1000, conversions=100), 0.1)
    assert result.kind == "model_better"
    assert result.words.startswith("the model arm converts 1.4× better, 95% CI 1.")


def test_equal_arms_with_enough_records_read_as_no_difference():
    result = verdict(Arm(records=90000, conversions=9000), Arm(records=10000, conversions=1000), 0.1)
    assert result.kind == "no_difference"
    assert result.ratio.low < 1 < result.ratio.high
    assert result.words.startswith("no difference")


def test_too_few_records_say_how_many_more_outcomes_it_takes():
    result = verdict(Arm(records=450, conversions=50), Arm(records=50, conversions=5), 0.1)
    assert result.kind == "not_enough_data"
    assert result.more_outcomes > 100
    assert result.words == f"not enough data yet: about {result.more_outcomes:,} more outcomes to detect a 20% lift"
    assert verdict(Arm(10, 0), Arm(2, 0), 0.1).words == "not enough data yet: no conversions recorded in both arms"
