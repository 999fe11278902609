"""The dashboard in a real browser: pages load for a signed-in admin, redirect when signed out, forms work."""
from __future__ import annotations

import pytest

from connector.db import get_session
from connector.db.models import NurtureRule
from connector.db.scope import InstallationScope
from tests.app.conftest import add_installation
from tests.app.test_dashboard_views import seed_activity

pytestmark = pytest.mark.chromium


def test_signed_out_pages_redirect_to_sign_in(app, user):
    installation_id = add_installation(app)
    user.open(f"/installations/{installation_id}/rules")
    assert user.page.url.endswith(f"/auth/login?next=/installations/{installation_id}/rules")
    user.screenshot("sign-in")


def test_every_page_loads_for_a_signed_in_admin(app, user):
    installation_id = add_installation(app)
    seed_activity(app, installation_id)
    user.sign_in()
    pages = {"installations": "/", "overview": f"/installations/{installation_id}",
             "runs": f"/installations/{installation_id}/runs", "models": f"/installations/{installation_id}/models",
             "settings": f"/installations/{installation_id}/settings",
             "rules": f"/installations/{installation_id}/rules",
             "api-keys": f"/installations/{installation_id}/api-keys", "audit": "/audit"}
    for name, path in pages.items():
        response = user.open(path)
        assert response.status == 200, path
        assert "Traceback" not in user.page.content()
        user.screenshot(name)


def test_settings_errors_show_next_to_the_field(app, user):
    installation_id = add_installation(app)
    user.sign_in()
    user.open(f"/installations/{installation_id}/settings")
    user.page.fill("#schedule_minutes", "2")
    user.page.click("button[value=save]")
    assert user.page.inner_text("#schedule_minutes-error") == "Choose between 5 and 1440 minutes."
    user.screenshot("settings-error")


def test_a_nurture_rule_is_created_through_the_form(app, user):
    installation_id = add_installation(app)
    user.sign_in()
    user.open(f"/installations/{installation_id}/rules/new")
    user.page.fill("#name", "Hot lead: call within 4h")
    visible = lambda: [i for i in ("#trigger_tier", "#trigger_direction", "#trigger_by", "#trigger_threshold")  # noqa: E731
                       if user.page.is_visible(i)]
    assert visible() == ["#trigger_tier"]  # "enters a tier" is chosen: only its input shows
    user.page.check("input[name=trigger_type][value=crosses]")
    assert visible() == ["#trigger_direction", "#trigger_threshold"]
    user.page.check("input[name=trigger_type][value=moves]")
    assert visible() == ["#trigger_direction", "#trigger_by"]
    user.page.select_option("#trigger_direction", "up")
    user.page.fill("#trigger_by", "2")
    user.page.check("input[name=action_task]")
    user.page.fill("#task_subject", "Call {{ firstname }} now")
    user.page.fill("#task_body", "Score {{ score }}, tier {{ tier }}")
    user.page.fill("#task_due_in_hours", "4")
    user.page.check("input[name=action_set_property]")
    # No CRM behind this installation: the form says so, and a typed property name stands in for the list.
    assert "could not be reached" in user.page.inner_text("#crm-lists")
    user.page.fill("#set_property_name_typed", "hs_lead_status")
    user.page.fill("#set_property_value", "IN_PROGRESS")
    user.screenshot("rule-form-no-crm")
    user.page.click("button[value=save]")
    assert user.page.url.endswith(f"/installations/{installation_id}/rules")
    assert "Hot lead: call within 4h" in user.page.inner_text("table")
    user.screenshot("rules-after-create")
    with app.app_context():
        rule = InstallationScope.load(get_session(), installation_id).all(NurtureRule)[0]
        assert rule.trigger == {"type": "moves", "direction": "up", "by": 2}
        assert [a["type"] for a in rule.actions] == ["task", "set_property"]


def test_sync_now_button_queues_a_sync(app, user):
    installation_id = add_installation(app)
    user.sign_in()
    user.open(f"/installations/{installation_id}")
    user.page.click("text=Sync now")
    assert "Sync queued." in user.page.inner_text(".flash")
