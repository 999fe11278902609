import numpy as np
import pandas as pd
import pytest

from scoring.drift import drift_summary, psi


def test_identical_samples_have_zero_psi():
    x = np.random.default_rng(0).normal(size=5000)
    assert psi(x, x) == pytest.approx(0.0, abs=1e-12)


def test_shifted_sample_has_large_psi():
    rng = np.random.default_rng(0)
    assert psi(rng.normal(size=5000), rng.normal(1.0, 1, 5000)) > 0.25


def test_summary_levels():
    rng = np.random.default_rng(1)
    train = pd.DataFrame({"a": rng.normal(size=4000), "b": rng.normal(size=4000)})
    recent = pd.DataFrame({"a": rng.normal(size=4000), "b": rng.normal(2, 1, 4000)})
    s = drift_summary(rng.uniform(0, 100, 4000), rng.uniform(0, 100, 4000), train, recent, ["a", "b"])
    assert s["score"]["level"] == "stable" and s["features"]["a"]["level"] == "stable"
    assert s["features"]["b"]["level"] == "act" and s["level"] == "act"
