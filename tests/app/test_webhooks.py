"""Webhooks: the HubSpot sandbox delivers real signed batches to the app on a port; Salesforce Outbound Messages.
Every refusal is a 4xx with a message and queues nothing."""
from __future__ import annotations

import json
import time

import pytest
import requests

from connector import jobs as connector_jobs

from connector.sandbox.hubspot import signature_v3
from connector.sandbox.server import SandboxServer

from .conftest import add_installation

SECRET = "hubspot-app-secret"
OUTBOUND = """<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>{org}</OrganizationId>
   <ActionId>04k000000000001AAA</ActionId>
   <SessionId xsi:nil="true"/>
   {notifications}
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>"""
NOTIFICATION = """<Notification><Id>04l00000000000{n}AAA</Id>
 <sObject xsi:type="sf:Lead" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>{id}</sf:Id></sObject>
</Notification>"""


@pytest.fixture
def app_config():
    return {"HUBSPOT_CLIENT_SECRET": SECRET}


@pytest.fixture
def served(app):
    with SandboxServer(app) as server:
        yield server.base_url


def outbound_path(app, installation_id: int) -> str:
    """The Outbound Message endpoint shown on the installation's page, as a path."""
    from connector.db import get_session
    from connector.db.models import Installation
    from connector.webhooks.salesforce import outbound_message_url

    with app.test_request_context():
        return outbound_message_url(get_session().get(Installation, installation_id)).removeprefix("http://localhost")


def signed_post(url: str, events, timestamp_ms: int | None = None, secret: str = SECRET, body: bytes | None = None):
    body = json.dumps(events).encode() if body is None else body
    stamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    headers = {"Content-Type": "application/json", "X-HubSpot-Request-Timestamp": stamp,
               "X-HubSpot-Signature-v3": signature_v3(secret, "POST", url, body, stamp)}
    return requests.post(url, data=body, headers=headers, timeout=10)


def event(portal: int, contact: int, event_id: int = 1) -> dict:
    return {"eventId": event_id, "portalId": portal, "objectId": contact, "subscriptionType": "contact.propertyChange",
            "propertyName": "lifecyclestage", "propertyValue": "lead", "occurredAt": 1}


def test_sandbox_deliveries_become_one_rescore_per_installation(app, served, hubspot_sandbox, sent_tasks):
    portal = hubspot_sandbox.add_portal(contacts=5)
    installation_id = add_installation(app, account_id=str(portal.id))
    hubspot_sandbox.subscribe_webhooks(served + "/webhooks/hubspot", "4242", SECRET, properties=("industry",))
    hubspot_sandbox.bulk_edit(portal.id, portal.ids[:3], {"industry": "Software"})
    deadline = time.time() + 10
    while not any(d["status"] == 200 for d in hubspot_sandbox.webhooks.deliveries) and time.time() < deadline:
        time.sleep(0.05)
    assert [d["status"] for d in hubspot_sandbox.webhooks.deliveries] == [200]
    assert sent_tasks == [("workers.rescore", {"installation_id": installation_id,
                                                "record_ids": sorted(map(str, portal.ids[:3]), key=int)})]


@pytest.fixture
def database_url(request, tmp_path):
    """SQLite, or a throwaway PostgreSQL database for tests parametrized with "postgres"."""
    if getattr(request, "param", "sqlite") == "postgres":
        return request.getfixturevalue("throwaway_postgres")
    return f"sqlite:///{tmp_path / 'leadscore.sqlite'}"


@pytest.mark.parametrize("database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_a_redelivered_batch_queues_nothing_new_events_do(app, served, sent_tasks):
    installation_id = add_installation(app, account_id="777")
    batch = [event(777, 5, 1), event(777, 5, 2), event(777, 6, 3)]
    first = signed_post(served + "/webhooks/hubspot", batch)
    again = signed_post(served + "/webhooks/hubspot", [{**e, "attemptNumber": 1} for e in batch])
    assert first.json() == {"queued": {"777": 2}, "repeated_events": 0}
    assert again.status_code == 200 and again.json() == {"queued": {}, "repeated_events": 3}
    later = signed_post(served + "/webhooks/hubspot", [event(777, 6, 3), event(777, 6, 4)])
    assert later.json() == {"queued": {"777": 1}, "repeated_events": 1}
    assert sent_tasks == [("workers.rescore", {"installation_id": installation_id, "record_ids": ["5", "6"]}),
                          ("workers.rescore", {"installation_id": installation_id, "record_ids": ["6"]})]


def test_an_event_seen_before_the_window_is_acted_on_again(app, served, sent_tasks):
    add_installation(app, account_id="777")
    app.config["WEBHOOK_DEDUPE_SECONDS"] = 0  # every receipt is already out of the window
    for _ in range(2):
        signed_post(served + "/webhooks/hubspot", [event(777, 5, 1)])
    assert len(sent_tasks) == 2


def test_the_sandbox_retrying_a_delivery_we_answered_late_queues_one_rescore(
        app, served, hubspot_sandbox, sent_tasks, monkeypatch):
    portal = hubspot_sandbox.add_portal(contacts=5)
    installation_id = add_installation(app, account_id=str(portal.id))
    record = connector_jobs.enqueue

    def slow_first_enqueue(task_name, **kwargs):
        if not sent_tasks:
            time.sleep(1.5)  # longer than the sandbox waits for an answer: it gives up and redelivers
        return record(task_name, **kwargs)

    monkeypatch.setattr("connector.jobs.enqueue", slow_first_enqueue)
    monkeypatch.setattr(hubspot_sandbox.webhooks, "timeout", 0.5)
    hubspot_sandbox.subscribe_webhooks(served + "/webhooks/hubspot", "4242", SECRET, properties=("industry",))
    hubspot_sandbox.bulk_edit(portal.id, portal.ids[:3], {"industry": "Software"})
    deadline = time.time() + 15
    while not any(d["status"] == 200 for d in hubspot_sandbox.webhooks.deliveries) and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # let the first, slow request finish too
    assert [d["status"] for d in hubspot_sandbox.webhooks.deliveries] == [None, 200]  # timed out, then redelivered
    assert sent_tasks == [("workers.rescore", {"installation_id": installation_id,
                                                "record_ids": sorted(map(str, portal.ids[:3]), key=int)})]


@pytest.mark.parametrize("tamper, message", [
    (lambda url, body: {"X-HubSpot-Signature-v3": "AAAA", "X-HubSpot-Request-Timestamp": str(int(time.time() * 1000))},
     "does not match"),
    (lambda url, body: {}, "missing"),
    (lambda url, body: _signed_headers(url, body, int(time.time() * 1000) - 6 * 60 * 1000), "5 minutes"),
    (lambda url, body: _signed_headers(url, body, int(time.time() * 1000), secret="someone-else"), "does not match"),
])
def test_bad_or_stale_signatures_are_refused(app, served, sent_tasks, tamper, message):
    add_installation(app, account_id="777")
    url, body = served + "/webhooks/hubspot", json.dumps([event(777, 5)]).encode()
    answer = requests.post(url, data=body, headers={"Content-Type": "application/json", **tamper(url, body)}, timeout=10)
    assert answer.status_code == 401 and message in answer.json()["message"]
    assert sent_tasks == []


def _signed_headers(url, body, stamp, secret=SECRET):
    return {"X-HubSpot-Request-Timestamp": str(stamp),
            "X-HubSpot-Signature-v3": signature_v3(secret, "POST", url, body, str(stamp))}


def test_an_unknown_portal_is_refused(app, served, sent_tasks):
    add_installation(app, account_id="777")
    answer = signed_post(served + "/webhooks/hubspot", [event(999, 5)])
    assert answer.status_code == 404 and answer.json()["message"] == "No installation for HubSpot portal 999."
    assert sent_tasks == []


def test_an_oversized_body_is_refused_with_a_message(app, served, sent_tasks):
    add_installation(app, account_id="777")
    huge = json.dumps([event(777, i, i) for i in range(5000)]).encode()
    answer = signed_post(served + "/webhooks/hubspot", None, body=huge)
    assert answer.status_code == 413 and answer.json()["message"]
    assert sent_tasks == []


def test_a_malformed_batch_is_a_400(app, served, sent_tasks):
    answer = signed_post(served + "/webhooks/hubspot", None, body=b"{not json")
    assert answer.status_code == 400 and answer.json()["message"] == "The body is not JSON."


def test_salesforce_outbound_message_is_acknowledged_and_queues_a_rescore(app, client, sent_tasks):
    installation_id = add_installation(app, crm="salesforce", account_id="00D000000000001AAA")
    ids = ["00Q000000000001AAA", "00Q000000000002AAA", "00Q000000000001AAA"]
    body = OUTBOUND.format(org="00D000000000001AAA", notifications="".join(
        NOTIFICATION.format(n=n, id=i) for n, i in enumerate(ids)))
    endpoint = outbound_path(app, installation_id)
    answer = client.post(endpoint, data=body, content_type="text/xml")
    assert answer.status_code == 200 and "<Ack>true</Ack>" in answer.get_data(as_text=True)
    assert sent_tasks == [("workers.rescore", {"installation_id": installation_id, "record_ids": ids[:2]})]
    # Salesforce redelivers until it reads the Ack: the same notifications are acknowledged again, not re-queued.
    again = client.post(endpoint, data=body, content_type="text/xml")
    assert again.status_code == 200 and "<Ack>true</Ack>" in again.get_data(as_text=True)
    assert len(sent_tasks) == 1


def test_salesforce_outbound_message_from_an_unknown_org_or_unreadable_is_refused(app, client, sent_tasks):
    endpoint = outbound_path(app, add_installation(app, crm="salesforce", account_id="00D000000000001AAA"))
    unknown = client.post(endpoint, content_type="text/xml",
                          data=OUTBOUND.format(org="00D000000000009AAA", notifications=""))
    assert unknown.status_code == 401 and "endpoint URL" in unknown.json["message"]
    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            '<x>&b;</x>')
    assert client.post("/webhooks/salesforce", data=bomb, content_type="text/xml").status_code == 400
    assert client.post("/webhooks/salesforce", data="nope", content_type="text/xml").status_code == 400
    assert sent_tasks == []
