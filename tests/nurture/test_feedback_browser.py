"""Must show: the conversion-by-tier chart and the action log render in headless Chromium (screenshots kept)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from connector.db import get_session
from connector.db.models import ActionLog, CurrentScore, NurtureRule, OutcomeEvent, OverrideFeedback
from tests.app.conftest import add_installation, app_config  # noqa: F401  (fixture)
from tests.dashboard.conftest import app, database_url, live_server, page, user  # noqa: F401

pytestmark = pytest.mark.chromium

RATES = {"A": 0.6, "B": 0.4, "C": 0.2, "D": 0.05}
SCORES = {"A": 85, "B": 65, "C": 40, "D": 15}


def seed_feedback(app, installation_id: int) -> None:
    now = datetime.now(timezone.utc)
    with app.app_context():
        db = get_session()
        for week in range(6):
            for tier, rate in RATES.items():
                for n in range(20):
                    crm_id = f"{tier}{week}-{n}"
                    db.add(OutcomeEvent(installation_id=installation_id, crm_id=crm_id, tier=tier, score=SCORES[tier],
                                        outcome="converted" if n < rate * 20 else "disqualified",
                                        scored_at=now - timedelta(weeks=week, days=3),
                                        observed_at=now - timedelta(weeks=week)))
        for tier in "ABCD":
            for n in range(10):
                db.add(CurrentScore(installation_id=installation_id, object_type="contacts", crm_id=f"cs{tier}{n}",
                                    score=50, probability=0.5, tier=tier, reasons=[]))
        db.add(OverrideFeedback(installation_id=installation_id, crm_id="csD1", model_tier="D", override_tier="B",
                                score=12))
        rule = NurtureRule(installation_id=installation_id, name="Hot lead", trigger={"type": "enters_tier", "tier": "A"},
                           actions=[{"type": "task", "subject": "Call", "body": "", "due_in_hours": 4}])
        db.add(rule)
        db.flush()
        db.add(ActionLog(installation_id=installation_id, rule_id=rule.id, rule_version=1, crm_id="101",
                         transition="C->A 38->91", action_index=0, status="done", attempts=1,
                         outcome={"result": {"task_id": "9001"}}))
        db.add(ActionLog(installation_id=installation_id, rule_id=rule.id, rule_version=1, crm_id="102",
                         transition="C->A 40->88", action_index=0, status="gave_up", attempts=5,
                         outcome={"error": "RecordRejected: no such HubSpot contact"}))
        db.commit()


def test_conversion_chart_and_override_rates_render(app, user):  # noqa: F811
    installation_id = add_installation(app)
    seed_feedback(app, installation_id)
    user.sign_in()
    response = user.open(f"/installations/{installation_id}/feedback")
    assert response.status == 200
    chart = user.page.locator("#conversion-chart svg")
    assert chart.is_visible()
    assert user.page.locator("#conversion-chart polyline").count() == 4
    assert "D" in user.page.inner_text("#overrides") and "10.0%" in user.page.inner_text("#overrides")
    assert "on 480 outcomes" in user.page.inner_text("#health")
    user.screenshot("nurture-feedback")


def test_action_log_renders_outcomes(app, user):  # noqa: F811
    installation_id = add_installation(app)
    seed_feedback(app, installation_id)
    user.sign_in()
    user.open(f"/installations/{installation_id}/actions")
    table = user.page.inner_text("#actions")
    assert "task id: 9001" in table and "no such HubSpot contact" in table and "Hot lead (v1)" in table
    user.screenshot("nurture-action-log")
    user.open(f"/installations/{installation_id}/actions?status=gave_up")
    assert "9001" not in user.page.inner_text("#actions")
