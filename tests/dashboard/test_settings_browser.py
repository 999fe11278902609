"""The settings page in headless Chromium (no JavaScript) tells the truth about tiers: the cut points it shows
are the ones the tiers in the CRM were written with, over the current scores; other cut points are previewed
with their figures before anything is saved. The model and scores come from a real cold-start sync."""
from __future__ import annotations

import pytest

from connector.db import get_session
from connector.db.models import ModelVersion
from connector.db.settings import TierCuts
from tests.app.conftest import database_url  # noqa: F401  (fixture)
from tests.dashboard.conftest import app, live_server, page, user  # noqa: F401
from tests.workers.conftest import sandbox_config, synced_portal

pytestmark = pytest.mark.chromium


@pytest.fixture
def app_config(hubspot_sandbox):
    return sandbox_config(hubspot_sandbox, hubspot_sandbox.base_url)


def _shown(user) -> dict[str, tuple[int, int, int]]:
    """Per tier: (lowest score, highest score, records now) as the table shows them."""
    shown = {}
    for row in user.page.query_selector_all("#tier-table tbody tr"):
        cells = [cell.inner_text() for cell in row.query_selector_all("td")]
        lowest, highest = cells[1].split("–")
        shown[cells[0]] = (int(lowest), int(highest), int(cells[2].replace(",", "")))
    return shown


def test_the_cut_points_shown_are_the_tiers_written_to_the_crm(app, user, hubspot_sandbox):  # noqa: F811
    portal, installation_id = synced_portal(app, hubspot_sandbox, contacts=300, seed=11)
    user.sign_in()
    user.open(f"/installations/{installation_id}/settings")

    shown = _shown(user)
    cuts = TierCuts(shown["A"][0], shown["B"][0], shown["C"][0])
    written = [(int(c.properties["leadscore_score"]), c.properties["leadscore_tier"])
               for c in portal.contacts.values() if c.properties.get("leadscore_tier")]
    assert len(written) == 300
    assert all(tier == cuts.tier_for(score) for score, tier in written)
    assert {tier: records for tier, (_, _, records) in shown.items()} == {
        tier: sum(1 for _, written_tier in written if written_tier == tier) for tier in "ABCD"}
    assert "the model's cut points" in user.page.inner_text("#tiers-in-use")
    assert user.page.query_selector("#score-histogram") is not None
    rates = [row.query_selector_all("td")[4].inner_text().split(" of ")[0]
             for row in user.page.query_selector_all("#tier-table tbody tr")]
    with app.app_context():  # the same held-out evaluation as the overview and models pages
        metrics = get_session().query(ModelVersion).filter_by(is_champion=True).one().metrics
    assert rates == [f"{metrics[f'conversion_rate_{tier}']:.1%}" if metrics[f"share_{tier}"] else "no held-out rows"
                     for tier in "ABCD"]
    user.screenshot("settings")

    user.page.check("input[name=tier_mode][value=custom]")
    user.page.fill("#tier_a", "90")
    user.page.fill("#tier_b", "60")
    user.page.fill("#tier_c", "30")
    user.page.click("button[value=preview]")
    assert "nothing is saved" in user.page.inner_text("#preview-note")
    previewed = _shown(user)
    assert [previewed[t][:2] for t in "ABCD"] == [(90, 100), (60, 89), (30, 59), (0, 29)]
    assert sum(records for _, _, records in previewed.values()) == 300
    assert previewed["A"][2] == sum(1 for score, _ in written if score >= 90)

    user.open(f"/installations/{installation_id}/settings")  # the preview saved nothing
    assert _shown(user) == shown
