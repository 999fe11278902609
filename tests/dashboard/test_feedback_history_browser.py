"""The feedback page in headless Chromium, right after the first sync: no outcome has arrived since scoring
began, yet the conversions already in the synced history are counted, by the tier each record has today."""
from __future__ import annotations

import pytest

from tests.app.conftest import database_url  # noqa: F401  (fixture)
from tests.dashboard.conftest import app, live_server, page, user  # noqa: F401
from tests.workers.conftest import sandbox_config, synced_portal

pytestmark = pytest.mark.chromium


@pytest.fixture
def app_config(hubspot_sandbox):
    return sandbox_config(hubspot_sandbox, hubspot_sandbox.base_url)


def test_the_feedback_page_counts_outcomes_already_in_the_synced_history(app, user, hubspot_sandbox):  # noqa: F811
    portal, installation_id = synced_portal(app, hubspot_sandbox, contacts=300, seed=11)
    converted = [c for c in portal.contacts.values() if (c.properties.get("lifecyclestage") or "").lower() == "customer"]
    assert converted  # the sandbox's history holds conversions

    user.sign_in()
    user.open(f"/installations/{installation_id}/feedback")
    assert (f"{len(converted):,} of 300 synced records had already converted"
            in user.page.inner_text("#history-outcomes"))
    rows = {cells[0]: cells[1:] for cells in ([td.inner_text() for td in row.query_selector_all("td")]
                                              for row in user.page.query_selector_all("#history-by-tier tbody tr"))}
    by_tier = {tier: sum(1 for c in converted if c.properties.get("leadscore_tier") == tier) for tier in "ABCD"}
    assert {tier: int(cells[0].replace(",", "")) for tier, cells in rows.items()} == by_tier
    assert sum(int(cells[1].replace(",", "")) for cells in rows.values()) == 300
    assert "No outcomes since scoring began" in user.page.text_content("#conversion-chart")
    user.screenshot("feedback")
