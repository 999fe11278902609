"""The points rules page in headless Chromium (no JavaScript): a bad rule is refused with its line named, good
rules are compared with the model, then saved. The model and scores come from a real cold-start sync."""
from __future__ import annotations

import pytest

from tests.app.conftest import database_url  # noqa: F401  (fixture)
from tests.dashboard.conftest import app, live_server, page, user  # noqa: F401
from tests.workers.conftest import in_the_past, install_portal, run_task, sandbox_config

pytestmark = pytest.mark.chromium


@pytest.fixture
def app_config(hubspot_sandbox):
    return sandbox_config(hubspot_sandbox, hubspot_sandbox.base_url)


def test_points_rules_are_checked_compared_and_saved_in_the_browser(app, user, hubspot_sandbox):  # noqa: F811
    with in_the_past(hubspot_sandbox, 120):
        portal = hubspot_sandbox.add_portal(contacts=200, seed=5)
    installation_id = install_portal(app, hubspot_sandbox, portal.id)
    run_task(app, "workers.sync", installation_id=installation_id)
    user.sign_in()
    user.open(f"/installations/{installation_id}/points")
    assert "current model" in user.page.inner_text("#comparison").lower()  # headers are styled upper case

    user.page.fill("#rules", "pricing_page_views >= 3 : 20\nshoe_size >= 44 : 5")
    user.page.click("button[value=save]")
    assert "Line 2 (shoe_size >= 44 : 5): there is no feature named 'shoe_size'" in user.page.inner_text("#rule-problems")

    user.page.fill("#rules", "pricing_page_views >= 3 : 20\nindustry == Software : 10\nhs_analytics_num_visits < 2 : -15")
    user.page.click("button[value=compare]")
    comparison = user.page.inner_text("#comparison").lower()
    assert "your points rules" in comparison and "current model" in comparison
    user.screenshot("nurture-points-rules")

    user.page.click("button[value=save]")
    assert "Points rules saved (3 rules)." in user.page.content()
    assert "industry == Software : +10" in user.page.input_value("#rules")
