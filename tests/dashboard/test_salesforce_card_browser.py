"""The Salesforce record card as a rep sees it: Salesforce posts the Canvas signed request, the connector checks it
and renders the record's tier, score, reasons (what lowered a low score first) and trend, with the model change
marked. Driven in headless Chromium by submitting the form Salesforce would submit."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import timedelta
from html import escape

import pytest

from connector.db import get_session
from connector.db.models import CurrentScore, ModelVersion, ScoreHistory, utcnow
from connector.db.scope import InstallationScope
from tests.app.conftest import add_installation, database_url  # noqa: F401  (fixture)
from tests.dashboard.conftest import app, browser_page, live_server  # noqa: F401

pytestmark = pytest.mark.chromium

SECRET = "salesforce-consumer-secret"
ORG, LEAD = "00D000000000001AAA", "00Q000000000001AAA"
REASONS = ["▲ Visited the pricing page 5 times (+12)", "▼ No company size (−9)", "▼ Email bounced (−8)"]


@pytest.fixture
def app_config():
    return {"SALESFORCE_CLIENT_SECRET": SECRET}


def signed_request(secret: str = SECRET, record_id: str = LEAD) -> str:
    context = {"issuedAt": int(time.time()), "context": {"organization": {"organizationId": ORG}, "environment": {"record": {"Id": record_id}}}}
    envelope = base64.b64encode(json.dumps(context).encode()).decode()
    signature = base64.b64encode(hmac.new(secret.encode(), envelope.encode(), hashlib.sha256).digest()).decode()
    return f"{signature}.{envelope}"


def seed_lead(app) -> None:
    installation_id = add_installation(app, crm="salesforce", account_id=ORG)
    with app.app_context():
        scope = InstallationScope.load(get_session(), installation_id)
        old, new = (scope.add(ModelVersion(version=n, learner="lightgbm", artefact=b"-", fingerprint="f")) for n in (1, 2))
        get_session().flush()
        start = utcnow() - timedelta(days=3)
        for day, (score, tier, version) in enumerate(((31, "C", old), (28, "C", old), (14, "D", new))):
            scope.add(ScoreHistory(object_type="Lead", crm_id=LEAD, score=score, probability=score / 100, tier=tier,
                                   reasons=REASONS, model_version_id=version.id, scored_at=start + timedelta(days=day)))
        scope.add(CurrentScore(object_type="Lead", crm_id=LEAD, score=14, probability=0.14, tier="D",
                               model_version_id=new.id, reasons=REASONS, written_at=utcnow()))
        get_session().commit()


def open_in_canvas(page, base_url: str, signed: str):
    """What Salesforce does for a Canvas app: POST the signed request to the app's URL in the frame."""
    page.set_content(f'<form method="post" action="{base_url}/cards/salesforce/record">'
                     f'<input type="hidden" name="signed_request" value="{escape(signed)}">'
                     '<button id="open">open</button></form>')
    with page.expect_navigation():
        page.click("#open")


def test_the_canvas_card_shows_tier_score_reasons_and_trend(app, live_server, browser_page):  # noqa: F811
    seed_lead(app)
    open_in_canvas(browser_page, live_server.base_url, signed_request())
    assert browser_page.inner_text("#tier") == "Tier D"
    assert browser_page.inner_text("#score") == "score 14/100"
    reasons = [item.inner_text() for item in browser_page.query_selector_all("#reasons li")]
    assert reasons == ["▼ No company size (−9)", "▼ Email bounced (−8)", "▲ Visited the pricing page 5 times (+12)"]
    assert browser_page.inner_text("#trend-text") == "31 → 28 → [model v2] 14"
    assert "new model v2" in browser_page.text_content("#trend")
    browser_page.screenshot(path=str(_screenshot("salesforce-card")), full_page=True)


def test_the_canvas_card_refuses_a_forged_signed_request_and_says_when_there_is_no_score(
        app, live_server, browser_page):  # noqa: F811
    seed_lead(app)
    open_in_canvas(browser_page, live_server.base_url, signed_request(secret="forged"))
    assert "does not verify" in browser_page.content()
    assert browser_page.query_selector("#tier") is None
    open_in_canvas(browser_page, live_server.base_url, signed_request(record_id="00Q000000000002AAA"))
    assert browser_page.inner_text("#no-score") == "No score yet for this record: it is scored at the next sync."


def _screenshot(name: str):
    from tests.dashboard.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def test_the_canvas_card_shows_a_next_step_only_where_the_record_has_one(app, live_server, browser_page,
                                                                          monkeypatch):  # noqa: F811
    from connector.cards import canvas_page

    seed_lead(app)
    with_step = canvas_page.card_data
    # A record no next-step rule matches: the card says nothing of a next step.
    monkeypatch.setattr(canvas_page, "card_data", lambda *args, **kwargs: {
        **with_step(*args, **kwargs), "next_step": None})
    open_in_canvas(browser_page, live_server.base_url, signed_request())
    assert browser_page.query_selector("#next-step") is None
    assert "Next step" not in browser_page.inner_text("body")

    # A next-best action in the card's data: the card shows it.
    monkeypatch.setattr(canvas_page, "card_data", lambda *args, **kwargs: {
        **with_step(*args, **kwargs), "next_step": "Call this week: asked for a quote"})
    open_in_canvas(browser_page, live_server.base_url, signed_request())
    assert browser_page.inner_text("#next-step") == "Call this week: asked for a quote"
    assert browser_page.inner_text("#tier") == "Tier D"
