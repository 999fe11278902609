""""Retrain now" in headless Chromium (no JavaScript): the installation page follows the request (queued, then
training, then done), refreshing itself until done, then says what came of it in words with both AUCs; asked
again with nothing new synced, it adds no version and says so. Tests run no worker, so the test takes the
worker's part: it runs the queued task, under its task id, while the page waits."""
from __future__ import annotations

import re

import pytest

from connector.db import get_session
from connector.db.audit import record_event
from connector.db.models import AuditEvent, ModelVersion
from connector.db.scope import InstallationScope
from connector.dashboard.retraining import latest_retraining
from tests.app.conftest import database_url  # noqa: F401  (fixture)
from tests.dashboard.conftest import app, live_server, page, user  # noqa: F401
from tests.workers.conftest import sandbox_config, synced_portal

pytestmark = pytest.mark.chromium


@pytest.fixture
def app_config(hubspot_sandbox):
    return sandbox_config(hubspot_sandbox, hubspot_sandbox.base_url)


def _requested_task(app) -> str:
    with app.app_context():
        event = get_session().query(AuditEvent).filter_by(action="train.requested").order_by(AuditEvent.id.desc()).first()
        return event.detail["task_id"]


def _retrain(app, user, installation_id: int) -> str:
    user.open(f"/installations/{installation_id}")
    user.page.click("text=Retrain now")
    assert "Retraining queued" in user.page.inner_text(".flash")
    assert user.page.get_attribute("#retraining", "data-state") == "queued"
    assert user.page.query_selector("meta[http-equiv=refresh]") is not None  # the page follows it by itself
    # The worker's part: the queued task, run under the id the request was given.
    celery = app.extensions["celery"]
    celery.loader.import_default_modules()
    celery.tasks["workers.train"].apply(kwargs={"installation_id": installation_id, "requested_by": "admin"},
                                        task_id=_requested_task(app)).maybe_throw()
    user.page.wait_for_selector("#retraining[data-state=done]")
    assert user.page.query_selector("meta[http-equiv=refresh]") is None
    return user.page.inner_text("#retraining-outcome")


def test_retrain_shows_progress_and_outcome_and_never_adds_an_identical_version(app, user, hubspot_sandbox):  # noqa: F811
    _, installation_id = synced_portal(app, hubspot_sandbox, contacts=400, seed=3)
    user.sign_in()

    outcome = _retrain(app, user, installation_id)
    with app.app_context():
        trained = get_session().query(AuditEvent).filter_by(action="model.trained").one().detail
    challenger, champion = f"{trained['challenger_auc']:.2f}", f"{trained['champion_auc']:.2f}"
    if trained["promoted"]:
        assert outcome == f"promoted version 2: AUC {challenger} vs {champion}"
    else:
        assert re.fullmatch(rf"kept champion: challenger {challenger} vs {champion} \(version 2 .*\)", outcome)
    assert user.page.inner_text("#retraining .steps") == "queued → training → done"
    user.screenshot("retrain-outcome")

    assert _retrain(app, user, installation_id) == "not trained: no new data since version 2"
    with app.app_context():
        assert get_session().query(ModelVersion).filter_by(installation_id=installation_id).count() == 2


def test_a_started_retraining_reads_as_training(app, user, hubspot_sandbox):  # noqa: F811
    _, installation_id = synced_portal(app, hubspot_sandbox, contacts=120, seed=3)
    with app.app_context():
        scope = InstallationScope.load(get_session(), installation_id)
        record_event(scope.session, "admin", "train.requested", installation_id, task_id="t-1")
        record_event(scope.session, "admin", "model.training_started", installation_id, task_id="t-1")
        scope.session.commit()
        assert latest_retraining(scope).state == "training"
    user.sign_in()
    user.open(f"/installations/{installation_id}")
    assert user.page.get_attribute("#retraining", "data-state") == "training"
    assert "this page refreshes until it is done" in user.page.inner_text("#retraining")
