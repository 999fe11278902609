"""Every CRM callback authenticated and fresh: Outbound Messages need the installation's secret URL and org,
Canvas signed requests expire, HubSpot v2 card signatures only where an admin enabled legacy cards, and a
batch without event ids sent twice queues once."""
from __future__ import annotations

import json
import time

from connector.db import get_session
from connector.db.models import Installation
from tests.app.test_webhooks import NOTIFICATION, OUTBOUND, outbound_path

from .conftest import (
    SF_ORG, add_installation, canvas_context, canvas_signed_request, hubspot_v2_headers, hubspot_v3_headers,
    post_webhook,
)

LEAD = "00Q000000000001AAA"


def outbound(org: str = SF_ORG) -> str:
    return OUTBOUND.format(org=org, notifications=NOTIFICATION.format(n=1, id=LEAD))


def test_an_outbound_message_without_the_secret_url_is_refused(app, client, sent_tasks):
    installation_id = add_installation(app, crm="salesforce", account_id=SF_ORG)
    endpoint = outbound_path(app, installation_id)
    for path in ("/webhooks/salesforce", "/webhooks/salesforce/" + "0" * 40, endpoint[:-1] + "x"):
        answer = client.post(path, data=outbound(), content_type="text/xml")
        assert answer.status_code == 401, path
    assert sent_tasks == []
    assert client.post(endpoint, data=outbound(), content_type="text/xml").status_code == 200
    assert len(sent_tasks) == 1


def test_one_installations_secret_does_not_open_another_org(app, client, sent_tasks):
    mine = add_installation(app, crm="salesforce", account_id=SF_ORG)
    add_installation(app, crm="salesforce", account_id="00D000000000002AAA", name="Other")
    answer = client.post(outbound_path(app, mine), data=outbound("00D000000000002AAA"), content_type="text/xml")
    assert answer.status_code == 401 and sent_tasks == []


def test_the_installation_page_shows_the_outbound_endpoint(app, client, admin):
    installation_id = add_installation(app, crm="salesforce", account_id=SF_ORG)
    page = client.get(f"/installations/{installation_id}").get_data(as_text=True)
    assert outbound_path(app, installation_id) in page


def test_a_canvas_request_issued_long_ago_is_refused(app, client):
    add_installation(app, crm="salesforce", account_id=SF_ORG)
    for issued_at in (978307200, 978307200000, int(time.time()) + 3 * 3600, None):  # 2001 (s, ms), ahead, missing
        context = canvas_context()
        context["issuedAt"] = issued_at
        answer = client.post("/cards/salesforce/canvas", data={"signed_request": canvas_signed_request(context)})
        assert answer.status_code == 401 and "issued" in answer.json["message"], issued_at
    for issued_at in (int(time.time()) - 60, int(time.time() * 1000) - 60_000):  # seconds or milliseconds
        fresh = client.post("/cards/salesforce/canvas",
                            data={"signed_request": canvas_signed_request(canvas_context(issued_at=issued_at))})
        assert fresh.status_code == 200, issued_at


def card_query(portal: str = "777") -> str:
    return f"portalId={portal}&associatedObjectId=501&associatedObjectType=CONTACT"


def test_hubspot_v2_card_signatures_are_refused_unless_legacy_cards_are_enabled(app, client, admin):
    installation_id = add_installation(app, account_id="777")
    url = f"http://localhost/cards/hubspot?{card_query()}"
    refused = client.get(f"/cards/hubspot?{card_query()}", headers=hubspot_v2_headers(url))
    assert refused.status_code == 401 and "v3" in refused.json["message"]
    v3 = client.get(f"/cards/hubspot?{card_query()}", headers=hubspot_v3_headers(url, b"", method="GET"))
    assert v3.status_code == 200

    settings_page = f"/installations/{installation_id}/settings"
    with app.app_context():
        from connector.dashboard.settings_form import form_values

        values = form_values(get_session().get(Installation, installation_id).settings, None)
    saved = admin.submit(settings_page, {**values, "legacy_cards": "on"})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:400]
    assert client.get(f"/cards/hubspot?{card_query()}", headers=hubspot_v2_headers(url)).status_code == 200


def test_a_batch_without_event_ids_sent_twice_queues_once(app, client, sent_tasks):
    add_installation(app, account_id="777")
    batch = json.dumps([{"portalId": 777, "objectId": 5, "subscriptionType": "contact.creation"}]).encode()
    stamp = int(time.time() * 1000)
    first, replayed = post_webhook(client, batch, stamp_ms=stamp), post_webhook(client, batch, stamp_ms=stamp)
    assert first.json["queued"] == {"777": 1}
    assert replayed.status_code == 200 and replayed.json == {"queued": {}, "repeated_events": 1}
    assert len(sent_tasks) == 1


def test_an_outbound_message_without_notification_ids_sent_twice_queues_once(app, client, sent_tasks):
    endpoint = outbound_path(app, add_installation(app, crm="salesforce", account_id=SF_ORG))
    body = OUTBOUND.format(org=SF_ORG, notifications=NOTIFICATION.format(n=1, id=LEAD).replace(
        "<Id>04l000000000001AAA</Id>", ""))
    assert "<Notification><Id>" not in body
    for _ in range(2):
        assert client.post(endpoint, data=body, content_type="text/xml").status_code == 200
    assert len(sent_tasks) == 1


def test_a_signed_card_fetch_with_encoded_characters_in_its_query_verifies(app, client):
    # Found by the fuzz test: the URL was rebuilt decoded (é, [), so HubSpot's signature over the encoded query
    # never matched and such fetches were refused.
    add_installation(app, account_id="777")
    query = "portalId=777&associatedObjectId=501&userEmail=ren%C3%A9%40example.com&tag=%5Bvip%5D"
    url = f"http://localhost/cards/hubspot?{query}"
    answer = client.get(f"/cards/hubspot?{query}", headers=hubspot_v3_headers(url, b"", method="GET"))
    assert answer.status_code == 200, answer.json
