"""The A/B figures from what the connector recorded (assignments, outcome events, actions done): equal conversion
in both arms reads as "no difference" once there are records enough, a real lift as "converts N× better" with its
interval; conversions before a record entered the experiment do not count; time to convert is in days."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest

from connector.db import get_session
from connector.db.models import Experiment, ExperimentAssignment, OutcomeEvent, utcnow
from connector.db.scope import InstallationScope
from connector.experiment.assignment import hashed_arm
from connector.experiment.figures import experiment_figures
from tests.app.conftest import add_installation

RECORDS = 12_000  # above the ~8,900 a 20% lift needs at a 20% base rate with a 10% control arm


def recorded(app, rates: dict[str, float], seed: int = 1):
    installation_id = add_installation(app)
    rng = random.Random(seed)
    start = utcnow() - timedelta(days=90)
    with app.app_context():
        session = get_session()
        scope = InstallationScope.load(session, installation_id)
        experiment = scope.add(Experiment(control_share=0.1, control_method="no_actions", started_at=start))
        for n in range(RECORDS):
            crm_id = str(10_000 + n)
            arm = hashed_arm(installation_id, crm_id, 0.1)
            assigned = start + timedelta(days=rng.uniform(0, 30))
            scope.add(ExperimentAssignment(crm_id=crm_id, arm=arm, assigned_at=assigned))
            if rng.random() < rates[arm]:
                scope.add(OutcomeEvent(crm_id=crm_id, outcome="converted", score=50, tier="B", scored_at=assigned,
                                       observed_at=assigned + timedelta(days=rng.uniform(1, 40))))
        # Converted before it entered the experiment: history, not a result of either arm.
        scope.add(ExperimentAssignment(crm_id="early", arm="model", assigned_at=start + timedelta(days=10)))
        scope.add(OutcomeEvent(crm_id="early", outcome="converted", score=50, tier="B", scored_at=start,
                               observed_at=start + timedelta(days=1)))
        session.commit()
        return experiment_figures(scope, experiment)


def test_no_effect_reads_as_no_difference_within_the_interval(app):
    figures = recorded(app, {"model": 0.2, "control": 0.2})
    assert figures.verdict.kind == "no_difference", figures.verdict.words
    assert figures.verdict.ratio.low < 1 < figures.verdict.ratio.high
    model, control = figures.arms["model"], figures.arms["control"]
    assert model.records + control.records == RECORDS + 1 and 0.08 < control.records / RECORDS < 0.12
    assert model.conversion_rate.low < 0.2 < model.conversion_rate.high
    assert 15 < model.days_to_convert.estimate < 25 and model.days_to_convert.low < model.days_to_convert.high


def test_a_real_lift_is_found_with_its_interval(app):
    figures = recorded(app, {"model": 0.28, "control": 0.2})
    assert figures.verdict.kind == "model_better"
    assert figures.verdict.words.startswith(f"the model arm converts {figures.verdict.ratio.estimate:.1f}× better")
    assert figures.verdict.ratio.low > 1
    assert figures.arms["model"].conversion_rate.low > figures.arms["control"].conversion_rate.estimate
    weeks = figures.weekly["model"]
    assert len(weeks) >= 10 and weeks[-1][1] == pytest.approx(figures.arms["model"].conversion_rate.estimate)
