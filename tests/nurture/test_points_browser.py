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
    learnt = user.page.input_value("#rules")  # what the points model learnt, thresholds rounded to read
    thresholds = [float(line.split(":")[0].split()[2]) for line in learnt.splitlines() if line.split()[1] in (">=", "<")]
    assert thresholds and all(float(f"{value:.3g}") == value for value in thresholds), learnt

    user.page.fill("#rules", "pricing_page_views >= 3 : 20\nshoe_size >= 44 : 5")
    user.page.click("button[value=save]")
    assert "Line 2 (shoe_size >= 44 : 5): there is no feature named 'shoe_size'" in user.page.inner_text("#rule-problems")

    user.page.fill("#rules", "pricing_page_views >= 3 : 20\nindustry == Software : 10\nhs_analytics_num_visits < 2 : -15")
    user.page.click("button[value=compare]")
    comparison = user.page.inner_text("#comparison").lower()
    words = [[cell.inner_text() for cell in row.query_selector_all("td")]
             for row in user.page.query_selector_all("#rules-in-words tbody tr")]
    assert [row[1:] for row in words] == [["at least 3", "+20"], ["is Software", "+10"], ["below 2", "-15"]]
    assert all(row[0] and "_" not in row[0] for row in words), words  # labels, not property names
    assert "your points rules" in comparison and "current model" in comparison
    # The current model's row is the overview's held-out evaluation, figure for figure: one source.
    model_row = [cell.inner_text().split()[0] for cell in user.page.query_selector_all("#model-held-out td")][1:]
    user.open(f"/installations/{installation_id}")
    overview = [span.inner_text().split(" · ")[0] for span in user.page.query_selector_all("#conversion-by-tier .muted")]
    assert model_row == overview and len(model_row) == 4, (model_row, overview)
    user.open(f"/installations/{installation_id}/points")
    user.page.fill("#rules", "pricing_page_views >= 3 : 20\nindustry == Software : 10\nhs_analytics_num_visits < 2 : -15")
    user.page.click("button[value=compare]")
    user.screenshot("nurture-points-rules")

    user.page.click("button[value=save]")
    assert "Points rules saved (3 rules)." in user.page.content()
    assert "industry == Software : +10" in user.page.input_value("#rules")
