"""The seven requests that answered 500 in the security probe, and non-finite numbers: each is now a 4xx."""
from __future__ import annotations

import json
import time

import pytest

from .conftest import SF_ORG, add_installation, canvas_signed_request, post_webhook

DEEP = b"[" * 50_000 + b"]" * 50_000


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}


def test_a_4000_digit_integer_in_the_api_is_refused(client, api_key):
    body = '{"properties": {"Pricing page visits": ' + "9" * 4000 + "}}"
    answer = client.post("/api/v1/score", data=body, headers=bearer(api_key))
    assert answer.status_code == 422 and "digits" in answer.json["message"]


@pytest.mark.parametrize("number", ["Infinity", "-Infinity", "NaN", "1e400", "-1e400"])
def test_non_finite_numbers_in_the_api_are_refused(client, api_key, number):
    body = '{"properties": {"Pricing page visits": ' + number + "}}"
    answer = client.post("/api/v1/score", data=body, headers=bearer(api_key))
    assert answer.status_code == 422, answer.json


def test_deeply_nested_json_in_the_api_is_refused(client, api_key):
    answer = client.post("/api/v1/score", data=b'{"properties": ' + DEEP + b"}", headers=bearer(api_key))
    assert answer.status_code == 400 and "nested" in answer.json["message"]


def test_ordinary_scoring_still_works(client, api_key):
    answer = client.post("/api/v1/score", json={"properties": {"Pricing page visits": 3, "Industry": "Software"}},
                         headers=bearer(api_key))
    assert answer.status_code == 200 and 0 <= answer.json["score"] <= 100


def test_deeply_nested_json_in_a_signed_webhook_is_refused(app, client, sent_tasks):
    add_installation(app, account_id="777")
    answer = post_webhook(client, DEEP)
    assert answer.status_code == 400 and "nested" in answer.json["message"]
    assert sent_tasks == []


@pytest.mark.parametrize("object_id", ["²", "٣", "1_000", " 5", -5, True, "9" * 40])
def test_a_signed_webhook_with_a_non_ascii_digit_id_skips_that_event(app, client, sent_tasks, object_id):
    installation_id = add_installation(app, account_id="777")
    events = [{"eventId": 1, "portalId": 777, "objectId": object_id, "subscriptionType": "contact.creation"},
              {"eventId": 2, "portalId": 777, "objectId": 42, "subscriptionType": "contact.creation"}]
    answer = post_webhook(client, json.dumps(events).encode())
    assert answer.status_code == 200, answer.json
    assert sent_tasks == [("workers.rescore", {"installation_id": installation_id, "record_ids": ["42"]})]


@pytest.mark.parametrize("payload", [
    ["a", "list"], {"context": "a string"}, {"context": {"organization": "x", "environment": []}},
    {"context": {"organization": {"organizationId": {"nested": 1}}, "environment": {"record": {"Id": [1]}}}},
    "just a string", 42, None, b"\xff\xfe not utf-8", b"not json",
])
def test_a_validly_signed_canvas_request_of_the_wrong_shape_is_refused(app, client, payload):
    add_installation(app, crm="salesforce", account_id=SF_ORG)
    if isinstance(payload, dict):  # fresh, so the shape checks behind the freshness check are reached
        payload = {**payload, "issuedAt": int(time.time())}
    answer = client.post("/cards/salesforce/canvas", data={"signed_request": canvas_signed_request(payload)})
    assert 400 <= answer.status_code < 500, answer.status_code


@pytest.mark.parametrize("query", ["portalId=777&associatedObjectId=%C2%B2", "portalId=%D9%A3&associatedObjectId=5"])
def test_a_signed_hubspot_card_fetch_with_non_ascii_digits_is_refused(app, client, query):
    from .conftest import hubspot_v3_headers

    add_installation(app, account_id="777")
    url = f"http://localhost/cards/hubspot?{query}"
    answer = client.get(f"/cards/hubspot?{query}", headers=hubspot_v3_headers(url, b"", method="GET"))
    assert answer.status_code == 400


# Found by the fuzz test: hmac.compare_digest raises TypeError on str with non-ASCII characters.
def test_non_ascii_signatures_and_secrets_are_refused_not_500(app, client, admin):
    add_installation(app, crm="salesforce", account_id=SF_ORG)
    assert client.post("/cards/salesforce/canvas", data={"signed_request": "é.e30="}).status_code == 401
    stamp = str(int(time.time() * 1000))
    forged = client.post("/webhooks/hubspot", data=b"[]", headers={"X-HubSpot-Request-Timestamp": stamp,
                                                                   "X-HubSpot-Signature-v3": "é" * 44})
    assert forged.status_code == 401
    from tests.app.test_webhooks import OUTBOUND

    outbound = OUTBOUND.format(org=SF_ORG, notifications="")
    assert client.post("/webhooks/salesforce/é", data=outbound, content_type="text/xml").status_code == 401
    app.config.update(HUBSPOT_CLIENT_ID="client-id")
    client.get("/install/hubspot")  # a pending install, so the callback compares states
    assert client.get("/install/hubspot/callback?state=é&code=x").status_code == 400


def test_a_card_token_of_the_wrong_shape_is_refused(app, client):
    from connector.cards.salesforce import _serializer

    for claims in ({"i": None, "r": ["x"]}, {"i": 2 ** 63, "r": "00Q000000000001AAA"}):  # the second: by the fuzz test
        with app.test_request_context():
            token = _serializer().dumps(claims)
        assert client.get(f"/cards/salesforce/score?token={token}").status_code == 401
