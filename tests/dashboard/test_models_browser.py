"""The overview and models pages in headless Chromium after a real cold start and a promotion: one explained
headline from the held-out figures, the same on both pages, conversion by tier, readable metric names, and the
promotion with its reason and what its rescoring changed."""
from __future__ import annotations

import re

import pytest

from tests.app.conftest import database_url  # noqa: F401  (fixture)
from tests.dashboard.conftest import app, live_server, page, user  # noqa: F401
from tests.workers.conftest import run_task, sandbox_config, synced_portal

pytestmark = [pytest.mark.chromium, pytest.mark.slow]


@pytest.fixture
def app_config(hubspot_sandbox):
    return sandbox_config(hubspot_sandbox, hubspot_sandbox.base_url)


def test_overview_and_models_agree_and_explain_a_promotion(app, user, hubspot_sandbox):  # noqa: F811
    _, installation_id = synced_portal(app, hubspot_sandbox, contacts=2000, seed=9)
    trained = run_task(app, "workers.train", installation_id=installation_id)
    assert trained["promoted"], trained
    user.sign_in()

    user.open(f"/installations/{installation_id}")
    headline = user.page.inner_text("#headline")
    assert re.fullmatch(r"Tiers A–B hold \d+% of records and \d+% of conversions \(tested on records the model "
                        r"never saw: \d+ of [\d,]+ held-out records converted\)\.", headline), headline
    assert len(user.page.query_selector_all("#conversion-by-tier .bar")) == 4
    assert "2,000 scored records" in user.page.inner_text("main")
    user.screenshot("overview")

    user.open(f"/installations/{installation_id}/models")
    assert user.page.inner_text("#headline") == headline  # one source of truth
    v2 = user.page.inner_text("#models tr[data-version='2']")
    assert "promoted" in v2 and "challenger AUC" in v2
    assert f"Re-scoring changed {trained['rescore']['transitions']:,} tiers" in v2
    assert "Ranking quality (ROC AUC, 0.5 = chance)" in v2 and "roc_auc" not in user.page.content()
    user.screenshot("models")
