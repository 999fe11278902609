"""The statistics of an A/B test of scoring against the previous method: pure functions, no I/O.

Rates get Wilson intervals (honest at small counts and near 0%, where the normal interval goes below zero),
medians a percentile bootstrap with a fixed seed (the same data always gives the same interval), the ratio of
the two arms' rates a log-scale (Katz) interval, and the sample size is the normal approximation for two
proportions at 5% two-sided significance and 80% power, with unequal arms.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Z_95 = 1.959963984540054
Z_POWER_80 = 0.8416212335729143
LIFT_TO_DETECT = 0.2  # "a 20% lift": the smallest improvement worth a scoring tool, stated to the admin
BOOTSTRAP_SAMPLES = 2000
SEED = 16


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float


def wilson(successes: int, trials: int, z: float = Z_95) -> Interval | None:
    """The Wilson score interval of a proportion; None with no trials."""
    if trials <= 0:
        return None
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return Interval(p, max(0.0, centre - half), min(1.0, centre + half))


def bootstrap_median(values, samples: int = BOOTSTRAP_SAMPLES, seed: int = SEED) -> Interval | None:
    """The median and its 95% percentile-bootstrap interval; None with fewer than two values."""
    values = np.asarray(values, dtype="float64")
    if len(values) < 2:
        return None
    rng = np.random.default_rng(seed)
    medians = np.median(rng.choice(values, size=(samples, len(values)), replace=True), axis=1)
    low, high = np.percentile(medians, [2.5, 97.5])
    return Interval(float(np.median(values)), float(low), float(high))


def rate_ratio(model_successes: int, model_trials: int, control_successes: int,
               control_trials: int) -> Interval | None:
    """The model arm's rate over the control arm's, with a 95% interval; None when either arm has no
    conversions yet (the ratio is then 0 or unbounded, which says nothing)."""
    if min(model_successes, control_successes) <= 0 or min(model_trials, control_trials) <= 0:
        return None
    ratio = (model_successes / model_trials) / (control_successes / control_trials)
    se = math.sqrt(1 / model_successes - 1 / model_trials + 1 / control_successes - 1 / control_trials)
    return Interval(ratio, ratio * math.exp(-Z_95 * se), ratio * math.exp(Z_95 * se))


def records_needed(control_rate: float, control_share: float, lift: float = LIFT_TO_DETECT) -> int | None:
    """Records (both arms) needed to detect the model arm converting `lift` better than `control_rate`, with
    `control_share` of records in the control arm; None when there is no rate to start from."""
    if not 0 < control_rate < 1 / (1 + lift) or not 0 < control_share < 1:
        return None
    model_rate = control_rate * (1 + lift)
    per_control = control_share / (1 - control_share)  # control records per model record
    variance = model_rate * (1 - model_rate) + control_rate * (1 - control_rate) / per_control
    n_model = (Z_95 + Z_POWER_80) ** 2 * variance / (model_rate - control_rate) ** 2
    return math.ceil(n_model / (1 - control_share))


@dataclass(frozen=True)
class Arm:
    records: int
    conversions: int


@dataclass(frozen=True)
class Verdict:
    kind: str  # "not_enough_data", "model_better", "model_worse", "no_difference"
    words: str
    ratio: Interval | None
    more_outcomes: int | None  # conversions still to observe before a 20% lift can be told apart


def verdict(model: Arm, control: Arm, control_share: float) -> Verdict:
    """What the admin reads: a difference only when the interval of the ratio excludes 1; "no difference" only
    once there were records enough to have seen a 20% lift; otherwise how many more outcomes it takes."""
    ratio = rate_ratio(model.conversions, model.records, control.conversions, control.records)
    if ratio is not None and ratio.low > 1:
        return Verdict("model_better", f"the model arm converts {ratio.estimate:.1f}× better, 95% CI "
                                       f"{ratio.low:.1f}–{ratio.high:.1f}", ratio, 0)
    if ratio is not None and ratio.high < 1:
        return Verdict("model_worse", f"the model arm converts {ratio.estimate:.1f}× as often as the control "
                                      f"(worse), 95% CI {ratio.low:.1f}–{ratio.high:.1f}", ratio, 0)
    records = model.records + control.records
    conversions = model.conversions + control.conversions
    base = conversions / records if records else 0.0
    needed = records_needed(base, control_share)
    if ratio is not None and needed is not None and records >= needed:
        return Verdict("no_difference", f"no difference: the model arm converts {ratio.estimate:.2f}× the "
                                        f"control, 95% CI {ratio.low:.2f}–{ratio.high:.2f}", ratio, 0)
    if needed is None:  # no conversions yet (or a rate so high a 20% lift is impossible): nothing to size by
        return Verdict("not_enough_data", "not enough data yet: no conversions recorded in both arms", ratio, None)
    more = max(1, math.ceil((needed - records) * base))
    return Verdict("not_enough_data", f"not enough data yet: about {more:,} more outcomes to detect a 20% lift",
                   ratio, more)
