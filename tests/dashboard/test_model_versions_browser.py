"""Every trained version keeps its report (page, download, report.json) and its backtest, served under its
installation; the champion and another version side by side, with "Promote" and "Roll back" by hand, both
audited. Driven in headless Chromium after a real cold start and a nightly training against the HubSpot sandbox."""
from __future__ import annotations

import pytest

from connector.db import get_session
from connector.db.models import AuditEvent, ModelVersion
from tests.app.conftest import add_installation, database_url, sent_tasks  # noqa: F401  (fixtures)
from tests.dashboard.conftest import app, live_server, page, user  # noqa: F401
from tests.workers.conftest import run_task, sandbox_config, synced_portal

pytestmark = [pytest.mark.chromium, pytest.mark.slow]


@pytest.fixture
def app_config(hubspot_sandbox):
    return sandbox_config(hubspot_sandbox, hubspot_sandbox.base_url)


def champion_version(app, installation_id: int) -> int:
    with app.app_context():
        return get_session().query(ModelVersion).filter_by(installation_id=installation_id, is_champion=True).one().version


def click_and_run(app, user, sent_tasks, button: str) -> dict:  # noqa: F811
    """Press the compare page's button, then run the task it queued as the worker would."""
    user.page.click(button)
    name, kwargs = sent_tasks[-1]
    assert name == "workers.promote"
    return run_task(app, name, **kwargs)


def test_reports_backtests_and_promotion_by_hand(app, user, hubspot_sandbox, sent_tasks):  # noqa: F811
    _, installation_id = synced_portal(app, hubspot_sandbox, contacts=1000, seed=5)  # v1: the cold-start points model
    run_task(app, "workers.train", installation_id=installation_id)  # v2, promoted or not
    user.sign_in()

    user.open(f"/installations/{installation_id}/models")
    backtest = user.page.inner_text("#models tr[data-version='1'] td.backtest")
    assert backtest.count("%") == 3  # conversions caught in the top 10 / 20 / 30%
    user.page.click("#models tr[data-version='1'] a.report")
    assert user.page.url.endswith(f"/installations/{installation_id}/models/1/report")
    assert "Backtest on held-out history" in user.page.inner_text("#backtest")
    lift = user.page.locator("#backtest svg")
    assert lift.count() == 1 and lift.first.bounding_box()["width"] > 50
    assert user.page.locator("#tiers svg").count() == 1  # conversion by tier
    user.screenshot("model-backtest")

    download = user.page.request.get(f"{user.base_url}/installations/{installation_id}/models/1/report.json?download=1")
    assert download.ok and 'filename="model-v1-report.json"' in download.headers["content-disposition"]
    doc = download.json()
    assert set(doc["backtest"]["capture"]) == {"top_10", "top_20", "top_30"} and doc["tiers"]
    # Scoped to the installation: another installation has no v1.
    other = add_installation(app, account_id="2002", name="Other")
    assert user.open(f"/installations/{other}/models/1/report").status == 404

    first = champion_version(app, installation_id)
    user.open(f"/installations/{installation_id}/models/compare")
    assert user.page.locator("#comparison tr.capture").count() == 3
    assert user.page.locator("#lift-curve svg").count() == 1
    user.screenshot("compare-models")
    if first == 2:  # v2 won: roll back to v1, then promote v2 again
        steps = [("#roll-back", 1, "model.rolled_back"), ("#promote", 2, "model.promoted")]
    else:  # v2 lost: promote it by hand, then roll back to v1
        steps = [("#promote", 2, "model.promoted"), ("#roll-back", 1, "model.rolled_back")]
    for button, version, action in steps:
        user.open(f"/installations/{installation_id}/models/compare")
        result = click_and_run(app, user, sent_tasks, button)
        assert result["promoted"] and result["version"] == version and result["rescore"]["scored"] == 1000, result
        assert champion_version(app, installation_id) == version
        with app.app_context():
            event = get_session().query(AuditEvent).filter_by(installation_id=installation_id, action=action).one()
            assert event.detail["version"] == version and event.actor == "admin@example.com"
            requested = "model.rollback_requested" if action == "model.rolled_back" else "model.promote_requested"
            assert get_session().query(AuditEvent).filter_by(action=requested).count() == 1
