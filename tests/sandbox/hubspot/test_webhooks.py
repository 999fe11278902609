"""Webhooks to a real local receiver: batched JSON arrays, a v3 signature the receiver can verify, retries."""
from __future__ import annotations

import json
import threading
import time

from flask import Flask, request
from hubspot.crm.contacts import BatchInputSimplePublicObjectBatchInput, SimplePublicObjectInputForCreate

from connector.sandbox.clock import Clock
from connector.sandbox.hubspot import HubSpotSandbox, signature_v3
from connector.sandbox.server import SandboxServer

SECRET = "app-secret"


class Receiver:
    """Answers with the next scripted status (then 204) and keeps what it was sent."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.received: list[dict] = []
        self.arrived = threading.Condition()
        self.app = Flask("receiver")
        self.app.add_url_rule("/hooks", "hooks", self.hook, methods=["POST"])

    def hook(self):
        with self.arrived:
            self.received.append({"headers": dict(request.headers), "body": request.get_data()})
            self.arrived.notify_all()
        return "", self.statuses.pop(0) if self.statuses else 204

    def events(self) -> list[dict]:
        return [event for r in self.received for event in json.loads(r["body"])]

    def wait_for(self, deliveries: int = 0, events: int = 0, timeout: float = 10) -> None:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.received) >= deliveries and len(self.events()) >= events,
                                         timeout), f"only {len(self.received)} deliveries arrived"


def wait_until(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def test_changes_arrive_batched_and_signed(hubspot_sandbox, portal, hubspot):
    receiver = Receiver()
    with SandboxServer(receiver.app) as server:
        url = f"{server.base_url}/hooks"
        hubspot_sandbox.subscribe_webhooks(url, "4242", SECRET, properties=("pricing_page_views",))
        hubspot.crm.contacts.batch_api.update(BatchInputSimplePublicObjectBatchInput(inputs=[
            {"id": str(i), "properties": {"pricing_page_views": "77"}} for i in portal.ids[:100]]))
        hubspot.crm.contacts.basic_api.create(SimplePublicObjectInputForCreate(properties={"email": "w@example.com"}))
        receiver.wait_for(events=101)
        events = receiver.events()
    assert all(len(json.loads(r["body"])) <= 100 for r in receiver.received)
    for delivery in receiver.received:
        headers = delivery["headers"]
        expected = signature_v3(SECRET, "POST", url, delivery["body"], headers["X-Hubspot-Request-Timestamp"])
        assert headers["X-Hubspot-Signature-V3"] == expected
    changes = [e for e in events if e["subscriptionType"] == "contact.propertyChange"]
    assert {e["propertyName"] for e in changes} == {"pricing_page_views"} and len(changes) == 100
    assert {e["portalId"] for e in events} == {portal.id}
    assert sum(e["subscriptionType"] == "contact.creation" for e in events) == 1


def test_5xx_is_retried_with_backoff_but_other_4xx_is_not():
    sandbox = HubSpotSandbox(webhook_backoff=0.05)
    portal = sandbox.add_portal(contacts=3)
    receiver = Receiver(statuses=[503, 500, 204, 400])
    with SandboxServer(receiver.app) as server:
        sandbox.subscribe_webhooks(f"{server.base_url}/hooks", "1", SECRET, properties=("industry",))
        sandbox.bulk_edit(portal.id, portal.ids[:1], {"industry": "A"})
        receiver.wait_for(3)
        attempts = [json.loads(r["body"])[0]["attemptNumber"] for r in receiver.received]
        assert attempts == [0, 1, 2]
        # The third attempt runs on a retry timer that records its answer after the receiver has it: wait for the
        # record before the next change, or the next delivery can be recorded first.
        wait_until(lambda: len(sandbox.webhooks.deliveries) >= 3)
        sandbox.bulk_edit(portal.id, portal.ids[:1], {"industry": "B"})
        receiver.wait_for(4)
        sandbox.bulk_edit(portal.id, portal.ids[:1], {"industry": "C"})
        receiver.wait_for(5)  # the next delivery is the new change, not a retry of the refused one
        sandbox.webhooks.stop()
    assert [d["status"] for d in sandbox.webhooks.deliveries] == [503, 500, 204, 400, 204]
    assert [e["propertyValue"] for e in receiver.events()] == ["A", "A", "A", "B", "C"]


def test_deliveries_are_stamped_with_wall_time_even_on_a_faster_clock():
    """Receivers reject stamps more than 5 minutes from their own clock; a bench's fast sandbox clock must
    not make every delivery stale."""
    sandbox = HubSpotSandbox(clock=Clock(speed=50))
    portal = sandbox.add_portal(contacts=3)
    sandbox.clock.advance(86400)
    receiver = Receiver()
    try:
        with SandboxServer(receiver.app) as server:
            sandbox.subscribe_webhooks(f"{server.base_url}/hooks", "1", SECRET, properties=("industry",))
            sandbox.bulk_edit(portal.id, portal.ids[:1], {"industry": "A"})
            receiver.wait_for(1)
    finally:
        sandbox.webhooks.stop()
    stamp = int(receiver.received[0]["headers"]["X-Hubspot-Request-Timestamp"]) / 1000
    assert abs(stamp - time.time()) < 60
