"""The dashboard through the test client: pages, settings validation, nurture rules, run-now buttons, errors."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from connector.db import get_session
from connector.db.models import (AuditEvent, CurrentScore, Installation, InstallationStatus, ModelVersion, NurtureRule,
                                 SyncKind, SyncRun, SyncStatus)
from connector.db.scope import InstallationScope

from .conftest import add_installation

VALID_SETTINGS = {
    "field_score": "ls_score", "field_tier": "ls_tier", "field_reasons": "ls_reasons",
    "field_scored_at": "ls_scored_at", "field_model": "ls_model", "field_override_tier": "ls_override", "field_arm": "ls_arm",
    "tier_a": "80", "tier_b": "55", "tier_c": "30", "schedule_minutes": "30",
    "label_property": "lifecyclestage", "label_values": "customer, evangelist",
    "segments": "EMEA: region = emea, uk\nUS: region = us", "protected_columns": "gender",
    "keep_columns": "",
}


# As training stores them: 2,000 held-out rows, 10% converted, tiers A-D with their shares and conversion rates.
HELD_OUT = {"roc_auc": 0.81, "base_rate": 0.1, "rows": 2000.0, "top_decile_capture": 0.34,
            "share_A": 0.1, "share_B": 0.2, "share_C": 0.3, "share_D": 0.4,
            "conversion_rate_A": 0.4, "conversion_rate_B": 0.15, "conversion_rate_C": 0.05, "conversion_rate_D": 0.0125}


def seed_activity(app, installation_id):
    with app.app_context():
        scope = InstallationScope.load(get_session(), installation_id)
        model = scope.add(ModelVersion(version=1, learner="lightgbm", artefact=b"m", fingerprint="f",
                                       metrics=HELD_OUT, is_champion=True, report_html="<h1>Report v1</h1>"))
        scope.add(SyncRun(kind=SyncKind.INCREMENTAL, status=SyncStatus.PARTIAL,
                          started_at=datetime(2026, 3, 1, tzinfo=timezone.utc), counts={"pulled": 120, "written": 40},
                          api_calls={"search": 2, "write": 1}, duration_seconds=3.2,
                          errors=[{"crm_id": "551", "message": "Property values were not valid"}]))
        scope.session.flush()
        for crm_id, tier in (("1", "A"), ("2", "B"), ("3", "B")):
            scope.add(CurrentScore(object_type="contacts", crm_id=crm_id, score=60, probability=0.6, tier=tier,
                                   reasons=["Opened 5 emails"], model_version_id=model.id))
        scope.session.commit()
        return model.id


def test_pages_show_health_runs_models_and_distribution(app, client, admin, installation_id):
    model_id = seed_activity(app, installation_id)
    listing = client.get("/").get_data(as_text=True)
    assert "Acme" in listing and "partial" in listing
    overview = client.get(f"/installations/{installation_id}").get_data(as_text=True)
    assert "lightgbm" in overview and "3 scored records" in overview
    # One explained headline from the held-out figures: A-B hold 30% of records and (0.04 + 0.03) / 0.1 = 70%
    # of conversions; the models page says the same, with readable metric names and integers as integers.
    headline = "Tiers A–B hold 30% of records and 70% of conversions"
    assert headline in overview and "40.0%" in overview
    models = client.get(f"/installations/{installation_id}/models").get_data(as_text=True)
    assert headline in models and "Ranking quality (ROC AUC, 0.5 = chance): <strong>0.810</strong>" in models
    assert "Held-out records these figures come from: <strong>2,000</strong>" in models
    assert "roc_auc" not in models and "share_A" not in models
    runs = client.get(f"/installations/{installation_id}/runs").get_data(as_text=True)
    assert "551" in runs and "Property values were not valid" in runs
    report = client.get(f"/installations/{installation_id}/models/1/report")
    assert b"Report v1" in report.data and "sandbox" in report.headers["Content-Security-Policy"]


def test_a_rejected_challenger_is_marked_with_its_reason(app, client, admin, installation_id):
    seed_activity(app, installation_id)
    reason = "challenger AUC 0.6645 vs champion v1 0.7675 (tolerance 0.01)"
    with app.app_context():
        scope = InstallationScope.load(get_session(), installation_id)
        scope.add(ModelVersion(version=2, learner="lightgbm", artefact=b"m", fingerprint="g",
                               metrics={**HELD_OUT, "promotion": {"promoted": False, "reason": reason}}))
        get_session().commit()
    models = client.get(f"/installations/{installation_id}/models").get_data(as_text=True)
    assert f'<span class="badge failed">rejected</span> {reason}' in models


def test_reconnect_needed_is_called_out(app, client, admin, installation_id):
    with app.app_context():
        get_session().get(Installation, installation_id).status = InstallationStatus.RECONNECT_NEEDED
        get_session().commit()
    assert "Reconnect needed" in client.get("/").get_data(as_text=True)


def test_valid_settings_are_saved_and_audited(app, client, admin, installation_id):
    page = f"/installations/{installation_id}/settings"
    response = admin.submit(page, VALID_SETTINGS)
    assert response.status_code == 302
    with app.app_context():
        settings = get_session().get(Installation, installation_id).settings
        assert settings.tier_cuts.a == 80 and settings.schedule_minutes == 30
        assert settings.segments[0].values == ("emea", "uk")
        assert settings.label.positive_values == ("customer", "evangelist")
        assert get_session().query(AuditEvent).filter_by(action="settings.updated").count() == 1


@pytest.mark.parametrize("field, value, message", [
    ("tier_b", "90", "0 &lt; C &lt; B &lt; A &lt; 100"),
    ("tier_a", "eighty", "Enter a whole number."),
    ("schedule_minutes", "1", "Choose between 5 and 1440 minutes."),
    ("field_score", "Bad Name", "Use lowercase letters"),
    ("segments", "no colon here", "Line 1: write it as"),
    ("keep_columns", "gender", "A protected column cannot also be kept."),
])
def test_invalid_settings_show_the_error_and_save_nothing(app, client, admin, installation_id, field, value, message):
    response = admin.submit(f"/installations/{installation_id}/settings", {**VALID_SETTINGS, field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert get_session().get(Installation, installation_id).settings_json == {}


RULE = {"name": "Hot lead follow-up", "enabled": "on", "trigger_type": "enters_tier", "trigger_tier": "A",
        "action_task": "on", "task_subject": "Call {{ firstname }}", "task_body": "Score {{ score }}",
        "task_due_in_hours": "4", "action_enroll": "on", "enroll_target_id": "wf-123"}


def test_a_nurture_rule_is_created_then_edited_to_a_new_version(app, client, admin, installation_id):
    new_page = f"/installations/{installation_id}/rules/new"
    assert admin.submit(new_page, RULE).status_code == 302
    with app.app_context():
        rule = InstallationScope.load(get_session(), installation_id).all(NurtureRule)[0]
        assert rule.trigger == {"type": "enters_tier", "tier": "A"}
        assert rule.actions == [{"type": "task", "subject": "Call {{ firstname }}", "body": "Score {{ score }}",
                                 "due_in_hours": 4}, {"type": "enroll", "target_id": "wf-123"}]
        rule_id = rule.id
    edit_page = f"/installations/{installation_id}/rules/{rule_id}"
    assert 'value="wf-123"' in client.get(edit_page).get_data(as_text=True)
    admin.submit(edit_page, {**RULE, "trigger_type": "moves", "trigger_direction": "up", "trigger_by": "2"})
    with app.app_context():
        rule = get_session().get(NurtureRule, rule_id)
        assert (rule.version, rule.trigger) == (2, {"type": "moves", "direction": "up", "by": 2})
    assert "moves up by ≥ 2" in client.get(f"/installations/{installation_id}/rules").get_data(as_text=True)


@pytest.mark.parametrize("change, message", [
    ({"action_task": "", "action_enroll": ""}, "Choose at least one action."),
    ({"task_subject": "Call {{ firstname "}, "Template error"),
    ({"trigger_type": "crosses", "trigger_threshold": "150", "trigger_direction": "up"}, "score from 1 to 99"),
    ({"action_webhook": "on", "webhook_url": "ftp://x"}, "Enter an http(s) URL."),
])
def test_an_invalid_rule_is_not_saved(app, client, admin, installation_id, change, message):
    response = admin.submit(f"/installations/{installation_id}/rules/new", {**RULE, **change})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    with app.app_context():
        assert InstallationScope.load(get_session(), installation_id).all(NurtureRule) == []


def test_another_installations_rule_is_not_found(app, client, admin, installation_id):
    other = add_installation(app, account_id="2")
    with app.app_context():
        rule = InstallationScope.load(get_session(), other).add(NurtureRule(name="x", trigger={}, actions=[]))
        get_session().commit()
        rule_id = rule.id
    assert client.get(f"/installations/{installation_id}/rules/{rule_id}").status_code == 404


@pytest.mark.parametrize("button, task, action", [("sync", "workers.sync", "sync.requested"),
                                                   ("retrain", "workers.train", "train.requested")])
def test_run_now_sends_the_task_by_name_and_audits_it(app, client, admin, installation_id, button, task, action,
                                                      sent_tasks):
    response = admin.submit(f"/installations/{installation_id}", {},
                            action=f"/installations/{installation_id}/{button}")
    assert response.status_code == 302
    assert sent_tasks == [(task, {"installation_id": installation_id, "requested_by": "admin@example.com"})]
    with app.app_context():
        event = get_session().query(AuditEvent).filter_by(action=action).one()
        assert event.installation_id == installation_id and event.detail["task_id"]


def test_error_pages_carry_a_message_and_no_internals(app, client, admin, installation_id, monkeypatch):
    missing = client.get("/installations/999")
    assert missing.status_code == 404 and "There is no installation 999." in missing.get_data(as_text=True)
    assert client.put("/").status_code == 405

    def broken_query(*_args):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("connector.dashboard.overview._latest_run", broken_query)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    broken = client.get("/")
    assert broken.status_code == 500
    assert "secret internals" not in broken.get_data(as_text=True) and "Traceback" not in broken.get_data(as_text=True)


def test_oversized_posts_are_refused(app, client, admin, installation_id):
    response = client.post(f"/installations/{installation_id}/settings", data={"segments": "x" * 2_000_000})
    assert response.status_code == 413
