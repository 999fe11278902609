"""First run in headless Chromium (no JavaScript): the setup page lists the exact URLs to register from PUBLIC_URL,
checks the configuration line by line, and offers Connect only where it can work; Disconnect asks first, and
the actions it ends are gone afterwards."""
from __future__ import annotations

import pytest

from connector.db import get_session
from connector.db.models import Installation, InstallationStatus
from tests.app.conftest import add_installation, database_url  # noqa: F401  (fixture)
from tests.dashboard.conftest import app, live_server, page, user  # noqa: F401

pytestmark = pytest.mark.chromium

PUBLIC = "https://leadscore.example.com"


@pytest.fixture
def app_config():
    return {"PUBLIC_URL": PUBLIC, "HUBSPOT_CLIENT_ID": "hs-id", "HUBSPOT_CLIENT_SECRET": "hs-secret"}


def test_the_setup_page_lists_the_urls_and_checks_and_connects_only_what_can_work(app, user):  # noqa: F811
    user.sign_in()
    user.open("/")
    user.page.click("text=Setup: URLs to register")
    hubspot, salesforce = user.page.inner_text("#setup-hubspot"), user.page.inner_text("#setup-salesforce")
    for url in ("/install/hubspot/callback", "/webhooks/hubspot", "/cards/hubspot"):
        assert PUBLIC + url in hubspot
    for url in ("/install/salesforce/callback", "/webhooks/salesforce", "/cards/salesforce/record"):
        assert PUBLIC + url in salesforce
    assert [li.inner_text() for li in user.page.query_selector_all("#address li.ok")] == [
        "✔ LEADSCORE_PUBLIC_URL is set (the address CRMs reach this connector at)",
        "✔ The public address uses https (CRMs refuse plain http outside localhost)"]
    assert len(user.page.query_selector_all("#setup-hubspot li.ok")) == 2
    assert [li.inner_text() for li in user.page.query_selector_all("#setup-salesforce li.bad")] == [
        "✘ LEADSCORE_SALESFORCE_CLIENT_ID is not set", "✘ LEADSCORE_SALESFORCE_CLIENT_SECRET is not set"]
    assert user.page.query_selector("#setup-hubspot a.button").inner_text() == "Connect HubSpot"
    assert user.page.query_selector("#setup-salesforce a.button") is None
    user.screenshot("setup")
    user.open("/")  # the installations page offers the same: Connect HubSpot only
    assert [a.inner_text() for a in user.page.query_selector_all("p.actions a.button")] == ["Connect HubSpot"]


def test_disconnect_asks_for_confirmation_and_its_actions_disappear(app, user):  # noqa: F811
    installation_id = add_installation(app)
    user.sign_in()
    user.open(f"/installations/{installation_id}")
    assert user.page.query_selector("#run-now") is not None
    user.page.click("#disconnect")
    assert "Disconnect Acme?" in user.page.inner_text("h1")
    with app.app_context():  # nothing happened yet
        assert get_session().get(Installation, installation_id).status is InstallationStatus.ACTIVE
    user.page.click("text=Cancel")
    user.page.click("#disconnect")
    user.page.click("#confirm")
    assert "Disconnected" in user.page.inner_text("main")
    assert user.page.query_selector("#run-now") is None and user.page.query_selector("#disconnect") is None
    with app.app_context():
        assert get_session().get(Installation, installation_id).status is InstallationStatus.DISCONNECTED
