"""The model report in Chromium: a trained model's stored report opens from the dashboard and its plots render."""
from __future__ import annotations

import pytest

from connector.db import get_session
from connector.db.models import ModelVersion
from connector.db.scope import InstallationScope
from tests.app.conftest import add_installation

pytestmark = pytest.mark.chromium


def stored_model_with_report(app, installation_id: int) -> int:
    from scoring.report import render
    from scoring.training import TrainingOptions, train
    from tests.scoring.datasets import b2b_leads

    frame, facts = b2b_leads(n=400)
    result = train(frame, TrainingOptions(target=facts["target"], id_column=facts["id"], learner="logistic"))
    with app.app_context():
        row = InstallationScope.load(get_session(), installation_id).add(ModelVersion(
            version=1, learner="logistic", artefact=result.model.to_bytes(), fingerprint="f", is_champion=True,
            metrics={"auc": 0.8}, report_html=render(result.report)[0]))
        get_session().commit()
        return row.id


def test_the_model_reports_plots_render(app, user):
    installation_id = add_installation(app)
    stored_model_with_report(app, installation_id)
    user.sign_in()
    user.open(f"/installations/{installation_id}/models")
    user.page.click(f"a[href='/installations/{installation_id}/models/1/report']")
    plots = user.page.locator("svg")
    assert plots.count() >= 2
    for index in range(plots.count()):
        box = plots.nth(index).bounding_box()
        assert box is not None and box["width"] > 50 and box["height"] > 50
    user.screenshot("model-report")
