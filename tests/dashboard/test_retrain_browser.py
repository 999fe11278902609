""""Retrain now" in headless Chromium (no JavaScript): the installation page follows the request, queued →
training → done, refreshing itself until done, then says what came of it in words with both AUCs; asked again
with nothing new synced, it adds no version and says so."""
from __future__ import annotations

import re

import pytest

from connector.db import get_session
from connector.db.models import AuditEvent, ModelVersion
from tests.app.conftest import database_url  # noqa: F401  (fixture)
from tests.dashboard.conftest import app, live_server, page, user  # noqa: F401
from tests.workers.conftest import sandbox_config, synced_portal

pytestmark = pytest.mark.chromium
TRAINING_TIMEOUT_MS = 180_000  # training runs on the embedded worker thread of a shared, busy machine


@pytest.fixture
def app_config(hubspot_sandbox):
    return sandbox_config(hubspot_sandbox, hubspot_sandbox.base_url)


def _retrain(user, installation_id: int) -> str:
    user.open(f"/installations/{installation_id}")
    user.page.click("text=Retrain now")
    assert "Retraining queued" in user.page.inner_text(".flash")
    assert user.page.get_attribute("#retraining", "data-state") in ("queued", "training", "done")
    # The page refreshes itself (meta refresh) while the retraining is under way.
    user.page.wait_for_selector("#retraining[data-state=done]", timeout=TRAINING_TIMEOUT_MS)
    return user.page.inner_text("#retraining-outcome")


def test_retrain_shows_progress_and_outcome_and_never_adds_an_identical_version(app, user, hubspot_sandbox):  # noqa: F811
    _, installation_id = synced_portal(app, hubspot_sandbox, contacts=400, seed=3)
    user.sign_in()

    outcome = _retrain(user, installation_id)
    with app.app_context():
        trained = get_session().query(AuditEvent).filter_by(action="model.trained").one().detail
    challenger, champion = f"{trained['challenger_auc']:.2f}", f"{trained['champion_auc']:.2f}"
    if trained["promoted"]:
        assert outcome == f"promoted version 2: AUC {challenger} vs {champion}"
    else:
        assert re.fullmatch(rf"kept champion: challenger {challenger} vs {champion} \(version 2 .*\)", outcome)
    steps = user.page.inner_text("#retraining .steps")
    assert steps == "queued → training → done"
    user.screenshot("retrain-outcome")

    assert _retrain(user, installation_id) == "not trained: no new data since version 2"
    with app.app_context():
        assert get_session().query(ModelVersion).filter_by(installation_id=installation_id).count() == 2
