"""The nurture rule form in headless Chromium (no JavaScript), on an installation synced from the HubSpot
sandbox: workflows and properties are chosen from lists HubSpot answers (no raw ids typed), a workflow HubSpot
does not have is refused with a message, a preview counts the records the rule would match from the stored
scores before anything is saved, and while HubSpot cannot be reached the form says so and still saves, from the
last list read or a typed id."""
from __future__ import annotations

import pytest

from connector.db import get_session
from connector.db.models import NurtureRule
from connector.sandbox.server import SandboxServer
from tests.app.conftest import database_url  # noqa: F401  (fixture)
from tests.dashboard.conftest import app, live_server, page, user  # noqa: F401
from tests.workers.conftest import sandbox_config, synced_portal

pytestmark = pytest.mark.chromium


@pytest.fixture
def app_config(hubspot_sandbox):
    return sandbox_config(hubspot_sandbox, hubspot_sandbox.base_url)


def _options(user, select: str) -> dict[str, str]:
    return {o.get_attribute("value"): o.inner_text() for o in user.page.query_selector_all(f"#{select} option")}


def _saved_rules(app) -> list[NurtureRule]:
    with app.app_context():
        return get_session().query(NurtureRule).order_by(NurtureRule.id).all()


def _fill_rule(user, name: str) -> None:
    user.page.fill("#name", name)
    user.page.check("input[name=trigger_type][value=enters_tier]")
    user.page.select_option("#trigger_tier", "A")
    user.page.check("input[name=action_enroll]")


def test_workflows_and_properties_come_from_hubspot_and_a_preview_counts_matches(app, user, hubspot_sandbox):  # noqa: F811
    portal, installation_id = synced_portal(app, hubspot_sandbox, contacts=300, seed=11)
    user.sign_in()
    user.open(f"/installations/{installation_id}/rules/new")

    assert "listed as HubSpot has them now" in user.page.inner_text("#crm-lists")
    # The enabled workflows, by name; the paused one is not offered. No id is typed anywhere.
    assert _options(user, "enroll_target_id") == {"": "Choose…", "4822": "Re-engage cold leads (4822)",
                                                  "4821": "Tier A: hand to sales (4821)"}
    assert user.page.query_selector("#enroll_target_id_typed") is None
    properties = _options(user, "set_property_name")
    assert "jobtitle" in properties and "hs_lead_status" in properties
    assert not any(name.startswith("leadscore_") for name in properties)  # the connector's own fields
    read_only = [name for name, spec in portal.properties.items() if spec["modificationMetadata"]["readOnlyValue"]]
    assert read_only and not set(read_only) & set(properties)

    _fill_rule(user, "Hot leads to sales")
    user.page.click("button[value=preview]")
    in_tier_a = sum(1 for c in portal.contacts.values() if c.properties.get("leadscore_tier") == "A")
    preview = user.page.inner_text("#rule-preview")
    assert f"{in_tier_a:,} of 300 records are in tier A today" in preview
    assert "Nothing is saved yet." in preview
    assert _saved_rules(app) == []
    user.screenshot("rule-form")

    user.page.select_option("#enroll_target_id", "4821")
    user.page.check("input[name=action_set_property]")
    user.page.select_option("#set_property_name", "hs_lead_status")
    user.page.fill("#set_property_value", "OPEN_DEAL")
    user.page.click("button[value=save]")
    assert "saved" in user.page.inner_text("body")
    [rule] = _saved_rules(app)
    assert rule.actions == [{"type": "enroll", "target_id": "4821"},
                            {"type": "set_property", "name": "hs_lead_status", "value": "OPEN_DEAL"}]


def test_an_unknown_workflow_is_refused_with_a_message(app, user, hubspot_sandbox):  # noqa: F811
    _, installation_id = synced_portal(app, hubspot_sandbox, contacts=120, seed=5)
    user.sign_in()
    user.open(f"/installations/{installation_id}/rules/new")
    token = user.page.get_attribute("input[name=csrf_token]", "value")
    answer = user.page.request.post(f"{user.base_url}/installations/{installation_id}/rules/new", form={
        "csrf_token": token, "name": "Typed id", "enabled": "on", "trigger_type": "enters_tier",
        "trigger_tier": "A", "action_enroll": "on", "enroll_target_id": "999"})
    assert answer.status == 422
    assert "HubSpot has no active workflow named “999”: choose one from the list." in answer.text()
    assert _saved_rules(app) == []


def test_while_hubspot_cannot_be_reached_the_form_says_so_and_still_saves(app, user, hubspot_sandbox):  # noqa: F811
    _, installation_id = synced_portal(app, hubspot_sandbox, contacts=120, seed=7)
    user.sign_in()
    user.open(f"/installations/{installation_id}/rules/new")  # reads (and keeps) the lists
    hubspot_sandbox.faults.error_rate = 1.0  # every API call answers 502 from here on
    try:
        user.open(f"/installations/{installation_id}/rules/new")
        notice = user.page.inner_text("#crm-lists")
        assert "HubSpot could not be reached" in notice and "The lists below are the ones read on" in notice
        assert "4821" in _options(user, "enroll_target_id")  # the last known list
        _fill_rule(user, "Typed while HubSpot is down")
        user.page.fill("#enroll_target_id_typed", "5120")  # a workflow created since the list was read
        user.page.click("button[value=save]")
    finally:
        hubspot_sandbox.faults.error_rate = 0.0
    assert "saved" in user.page.inner_text("body")
    [rule] = _saved_rules(app)
    assert rule.actions == [{"type": "enroll", "target_id": "5120"}]


def test_salesforce_campaigns_and_fields_are_chosen_from_lists(app_for_salesforce, salesforce_sandbox, browser):
    """The same form on a Salesforce installation: active campaigns (SOQL) and fields settable on Leads and
    Contacts alike (describe)."""
    from tests.dashboard.conftest import DashboardUser

    app, installation_id, org = app_for_salesforce
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    try:
        with SandboxServer(app) as server:
            user = DashboardUser(context.new_page(), server.base_url)
            user.sign_in()
            user.open(f"/installations/{installation_id}/rules/new")
            assert "Salesforce campaigns and properties are listed" in user.page.inner_text("#crm-lists")
            campaigns = {label.split(" (")[0]: value for value, label in _options(user, "enroll_target_id").items()
                         if value}
            assert set(campaigns) == {"Nurture - Tier A", "Nurture - Tier B", "Webinar Follow-up"}
            assert all(value.startswith("701") for value in campaigns.values())  # Campaign ids, not names
            fields = _options(user, "set_property_name")
            assert "Email" in fields and "Company" not in fields  # Company: a Lead field only
            assert not [name for name in fields if name.startswith("LeadScore_")]

            _fill_rule(user, "Tier A to the nurture campaign")
            user.page.select_option("#enroll_target_id", campaigns["Nurture - Tier A"])
            user.page.click("button[value=save]")
            assert "saved" in user.page.inner_text("body")
    finally:
        context.close()
    [rule] = _saved_rules(app)
    assert rule.actions == [{"type": "enroll", "target_id": campaigns["Nurture - Tier A"]}]


@pytest.fixture
def app_for_salesforce(tmp_path, salesforce_sandbox):
    from connector.db.models import AdminUser, Crm
    from connector.security.passwords import hash_password
    from tests.app.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
    from tests.nurture.test_sync_task import _salesforce_credentials
    from tests.workers.conftest import install, make_app

    org = salesforce_sandbox.add_org(leads=40, contacts=10, seed=3)
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'sf.sqlite'}", SALESFORCE_LOGIN_URL=salesforce_sandbox.base_url,
                   SALESFORCE_CLIENT_ID=salesforce_sandbox.app.client_id,
                   SALESFORCE_CLIENT_SECRET=salesforce_sandbox.app.client_secret)
    installation_id = install(app, Crm.SALESFORCE,
                              _salesforce_credentials(org.id, salesforce_sandbox.issue_tokens(org.id)), f"Org {org.id}")
    with app.app_context():
        get_session().add(AdminUser(email=ADMIN_EMAIL, password_hash=hash_password(ADMIN_PASSWORD)))
        get_session().commit()
    yield app, installation_id, org
    app.extensions["db_engine"].dispose()
