"""Record cards: HubSpot's signed data fetch (v3 and legacy v2) and the Salesforce card behind a signed, expiring
token; another installation's record is never shown."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import replace
from datetime import timedelta

import pytest

from connector.cards.salesforce import issue_card_token
from connector.db import get_session
from connector.db.models import CurrentScore, Installation, ModelVersion, ScoreHistory, utcnow
from connector.db.scope import InstallationScope
from connector.sandbox.hubspot import signature_v3

from .conftest import add_installation

SECRET = "hubspot-app-secret"
SF_SECRET = "salesforce-consumer-secret"


@pytest.fixture
def app_config():
    return {"HUBSPOT_CLIENT_SECRET": SECRET, "SALESFORCE_CLIENT_SECRET": SF_SECRET}


def give_history(app, installation_id: int, crm_id: str, scores: list[int]) -> None:
    with app.app_context():
        scope = InstallationScope.load(get_session(), installation_id)
        start = utcnow() - timedelta(days=len(scores))
        for day, score in enumerate(scores):
            scope.add(ScoreHistory(object_type="contacts", crm_id=crm_id, score=score, probability=score / 100,
                                   tier="A" if score >= 75 else "B", reasons=[], scored_at=start + timedelta(days=day)))
        scope.add(CurrentScore(object_type="contacts", crm_id=crm_id, score=scores[-1], probability=scores[-1] / 100,
                               tier="A", reasons=["▲ Visited pricing 5 times (+12)", "▼ No company size (−4)"]))
        get_session().commit()


def hubspot_fetch(client, query: str, version: str = "v3", secret: str = SECRET):
    url = f"http://localhost/cards/hubspot?{query}"
    if version == "v3":
        stamp = str(int(time.time() * 1000))
        headers = {"X-HubSpot-Signature-v3": signature_v3(secret, "GET", url, b"", stamp),
                   "X-HubSpot-Request-Timestamp": stamp}
    else:
        headers = {"X-HubSpot-Signature": hashlib.sha256((secret + "GET" + url).encode()).hexdigest(),
                   "X-HubSpot-Signature-Version": "v2"}
    return client.get(f"/cards/hubspot?{query}", headers=headers)


@pytest.mark.parametrize("version", ["v3", "v2"])
def test_hubspot_card_shows_score_tier_reasons_trend_and_when(app, client, version):
    installation_id = add_installation(app, account_id="777")
    if version == "v2":  # legacy cards: refused unless the installation's admin enabled them
        with app.app_context():
            installation = get_session().get(Installation, installation_id)
            installation.settings = replace(installation.settings, legacy_cards=True)
            get_session().commit()
    give_history(app, installation_id, "501", [40, 62, 81])
    answer = hubspot_fetch(client, "portalId=777&associatedObjectId=501&associatedObjectType=CONTACT", version)
    assert answer.status_code == 200
    card = answer.json["results"][0]
    values = {p["label"]: p["value"] for p in card["properties"]}
    assert card["objectId"] == 501 and values["Score"] == 81 and values["Tier"] == "A"
    assert values["Trend"] == "40 → 62 → 81" and "Visited pricing 5 times" in values["Why"]
    assert isinstance(values["Scored"], int)


def test_hubspot_card_never_shows_another_installations_record(app, client):
    add_installation(app, account_id="777")
    other = add_installation(app, account_id="888")
    give_history(app, other, "501", [90])
    answer = hubspot_fetch(client, "portalId=777&associatedObjectId=501")
    assert answer.status_code == 200 and answer.json == {"results": []}


def test_hubspot_card_needs_a_valid_signature(app, client):
    add_installation(app, account_id="777")
    assert hubspot_fetch(client, "portalId=777&associatedObjectId=501", secret="forged").status_code == 401
    unsigned = client.get("/cards/hubspot?portalId=777&associatedObjectId=501")
    assert unsigned.status_code == 401 and "Signature check failed" in unsigned.json["message"]
    assert hubspot_fetch(client, "portalId=999&associatedObjectId=501").status_code == 404


def test_salesforce_card_token_shows_one_record_until_it_expires(app, client):
    installation_id = add_installation(app, crm="salesforce", account_id="00D000000000001AAA")
    give_history(app, installation_id, "00Q000000000001AAA", [55, 77])
    with app.app_context():
        token = issue_card_token(installation_id, "00Q000000000001AAA")
    answer = client.get(f"/cards/salesforce/score?token={token}")
    assert answer.status_code == 200 and answer.json["score"] == 77
    assert [p["score"] for p in answer.json["trend"]] == [55, 77] and answer.json["scored_at"]

    assert client.get(f"/cards/salesforce/score?token={token[:-2]}xx").status_code == 401
    app.config["CARD_TOKEN_MAX_AGE"] = -1
    expired = client.get(f"/cards/salesforce/score?token={token}")
    assert expired.status_code == 401 and "expired" in expired.json["message"]


def test_salesforce_canvas_signed_request_gets_a_card_token(app, client):
    installation_id = add_installation(app, crm="salesforce", account_id="00D000000000001AAA")
    give_history(app, installation_id, "00Q000000000001AAA", [66])
    context = {"issuedAt": int(time.time()), "context": {"organization": {"organizationId": "00D000000000001AAA"},
                           "environment": {"record": {"Id": "00Q000000000001AAA"}}}}
    envelope = base64.b64encode(json.dumps(context).encode()).decode()
    signature = base64.b64encode(hmac.new(SF_SECRET.encode(), envelope.encode(), hashlib.sha256).digest()).decode()
    answer = client.post("/cards/salesforce/canvas", data={"signed_request": f"{signature}.{envelope}"})
    assert answer.status_code == 200
    card = client.get(answer.json["card_url"].removeprefix("http://localhost"))
    assert card.json["score"] == 66
    forged = client.post("/cards/salesforce/canvas", data={"signed_request": f"AAAA.{envelope}"})
    assert forged.status_code == 401


def test_hubspot_card_puts_tier_first_what_lowered_a_low_score_first_and_marks_a_new_model(app, client):
    installation_id = add_installation(app, account_id="777")
    with app.app_context():
        scope = InstallationScope.load(get_session(), installation_id)
        old, new = (scope.add(ModelVersion(version=n, learner="points", artefact=b"-", fingerprint="f")) for n in (1, 2))
        get_session().flush()
        start = utcnow() - timedelta(days=3)
        for day, (score, version) in enumerate(((18, old), (21, old), (12, new))):
            scope.add(ScoreHistory(object_type="contacts", crm_id="501", score=score, probability=score / 100,
                                   tier="D", reasons=[], model_version_id=version.id,
                                   scored_at=start + timedelta(days=day)))
        scope.add(CurrentScore(object_type="contacts", crm_id="501", score=12, probability=0.12, tier="D",
                               model_version_id=new.id,
                               reasons=["▲ Visited pricing 5 times (+12)", "▲ Opened 3 emails (+5)",
                                        "▼ No company size (−9)", "▼ Bounced email (−8)"]))
        get_session().commit()
    card = hubspot_fetch(client, "portalId=777&associatedObjectId=501").json["results"][0]
    assert card["title"] == "Tier D · score 12/100"
    values = {p["label"]: p["value"] for p in card["properties"]}
    assert [p["label"] for p in card["properties"]][:2] == ["Tier", "Score"]
    assert values["Why"] == ("▼ No company size (−9); ▼ Bounced email (−8); ▲ Visited pricing 5 times (+12); "
                            "▲ Opened 3 emails (+5)")
    assert values["Trend"] == "18 → 21 → [model v2] 12"


def test_the_hubspot_card_lists_a_next_step_only_when_the_record_has_one():
    from connector.cards.hubspot import _card

    data = {"tier": "B", "score": 61, "reasons": ["▲ Asked for a demo (+14)"], "trend": [],
            "scored_at": "2026-12-07T10:00:00+00:00"}
    labels = [p["label"] for p in _card(101, data)["properties"]]
    assert "Next step" not in labels
    with_step = _card(101, {**data, "next_step": "Send the pricing sheet"})["properties"]
    assert {"label": "Next step", "dataType": "STRING", "value": "Send the pricing sheet"} in with_step
