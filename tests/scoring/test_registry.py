import numpy as np
import pytest

from scoring.model import ScoringModel
from scoring.registry import Registry
from scoring.training import TrainingOptions, train

from .datasets import b2b_leads


@pytest.fixture(scope="module")
def models():
    frame, facts = b2b_leads(n=1500)
    options = TrainingOptions(target=facts["target"], id_column=facts["id"])
    good = train(frame, options).model
    weak = train(frame, TrainingOptions(target=facts["target"], id_column=facts["id"], learner="points")).model
    evaluation = frame.iloc[-400:]
    return good, weak, evaluation, (evaluation[facts["target"]] == "Y").to_numpy().astype(float)


def test_versions_hold_artefact_and_summary(tmp_path, models):
    good, _, evaluation, _ = models
    registry = Registry(tmp_path)
    version = registry.register(good)
    assert registry.versions() == [version] == ["v0001"]
    summary = registry.summary(version)
    assert {"features", "excluded", "metrics", "fingerprint", "trained_at", "learner"} <= set(summary)
    np.testing.assert_allclose(registry.load(version).probability(evaluation), good.probability(evaluation))


def test_challenger_replaces_champion_only_within_tolerance(tmp_path, models):
    good, weak, evaluation, y = models
    registry = Registry(tmp_path)
    first = registry.register(weak)
    assert registry.consider(first, evaluation, y)["promoted"] and registry.champion() == first
    better = registry.register(good)
    decision = registry.consider(better, evaluation, y, tolerance=0.0)
    assert decision["promoted"] and registry.champion() == better
    worse = registry.register(weak)
    decision = registry.consider(worse, evaluation, y, tolerance=0.001)
    assert not decision["promoted"] and registry.champion() == better
    assert decision["challenger_auc"] < decision["champion_auc"] and decision["rows"] == len(y)
    assert registry.consider(worse, evaluation, y, tolerance=1.0)["promoted"]


def test_artefact_round_trips_through_bytes(models):
    good, _, evaluation, _ = models
    again = ScoringModel.from_bytes(good.to_bytes())
    assert again.score(evaluation, reasons=False).equals(good.score(evaluation, reasons=False))
    with pytest.raises(ValueError):
        ScoringModel.from_bytes(__import__("pickle").dumps({"not": "a model"}))
