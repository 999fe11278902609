"""Retraining thresholds are per installation: edited with the other settings, used by the feedback figures."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from connector.db import get_session
from connector.db.models import Crm, Installation, OutcomeEvent
from connector.db.scope import InstallationScope
from connector.nurture.figures import Health, health
from tests.app.conftest import admin, app, app_config, client, database_url, installation_id  # noqa: F401
from tests.app.test_dashboard_views import VALID_SETTINGS


def test_the_auc_threshold_is_the_installations(db):
    installation = Installation(crm=Crm.HUBSPOT, account_id="5", name="x")
    db.add(installation)
    db.commit()
    now = datetime.now(timezone.utc)
    for n in range(40):  # ranks well but not perfectly: AUC 0.75
        converted = n % 2 == 0
        score = (70 if n % 4 == 0 else 30) if converted else (50 if n % 4 == 1 else 20)
        db.add(OutcomeEvent(installation_id=installation.id, crm_id=str(n), score=score, tier="B",
                            outcome="converted" if converted else "disqualified", scored_at=now - timedelta(days=3),
                            observed_at=now - timedelta(days=1)))
    db.commit()
    scope = InstallationScope(db, installation)
    assert health(scope).auc == pytest.approx(0.75, abs=0.05)
    assert health(scope).retraining_reason is None  # the default floor is 0.65

    installation.settings = replace(installation.settings, retrain_auc_below=0.8)
    db.commit()
    assert health(scope).retraining_reason.endswith("recent outcomes < 0.8")


@pytest.mark.parametrize("field, value, message", [
    ("retrain_auc_below", "0.3", "between 0.5"),
    ("retrain_auc_below", "high", "Enter a number"),
    ("retrain_psi_from", "9", "between 0.05 and 2"),
])
def test_thresholds_are_validated_on_the_settings_page(app, admin, installation_id, field, value, message):  # noqa: F811
    page = f"/installations/{installation_id}/settings"
    response = admin.submit(page, {**VALID_SETTINGS, "retrain_auc_below": "0.7", "retrain_psi_from": "0.3",
                                   field: value})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    with app.app_context():
        assert get_session().get(Installation, installation_id).settings_json == {}


def test_thresholds_are_saved_with_the_settings(app, admin, installation_id):  # noqa: F811
    page = f"/installations/{installation_id}/settings"
    assert admin.submit(page, {**VALID_SETTINGS, "retrain_auc_below": "0.7", "retrain_psi_from": "0.3"}).status_code == 302
    with app.app_context():
        settings = get_session().get(Installation, installation_id).settings
        assert (settings.retrain_auc_below, settings.retrain_psi_from) == (0.7, 0.3)
    assert 'value="0.7"' in admin._client.get(page).get_data(as_text=True)


def test_feature_drift_past_the_threshold_asks_for_retraining():
    calm = Health(auc=None, auc_outcomes=0, psi=0.02, psi_level="stable", feature_psi={"industry": 0.05},
                  auc_floor=0.65, psi_limit=0.25)
    assert calm.retraining_reason is None
    drifting = replace(calm, feature_psi={"industry": 0.05, "country": 0.4, "jobtitle": 0.3})
    assert drifting.retraining_reason == "feature drift PSI 0.40 on country ≥ 0.25"
