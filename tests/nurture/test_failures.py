"""Failing actions are logged and retried, never raised into the sync; property flags and signed webhooks."""
from __future__ import annotations

import hashlib
import hmac
import json
from http.server import BaseHTTPRequestHandler, HTTPServer
from threading import Thread

import pytest

from connector.db.models import ActionLog
from workers.nurture import run_for_transitions
from workers.nurture.webhook import signature

from .conftest import add_rule, c_to_a


def test_a_rejected_action_is_reported_and_the_others_still_run(db, crm):
    add_rule(db, crm.installation, {"type": "enters_tier", "tier": "A"},
             [{"type": "set_property", "name": "no_such_field_x", "value": "1"},
              {"type": "task", "subject": "Call", "body": "{{ reasons_text }}", "due_in_hours": 1}])
    summary = run_for_transitions(db, crm.installation, crm.connect(), [c_to_a(crm)], sync_run_id=1)
    assert summary.done == 1 and summary.failed + summary.gave_up == 1
    assert summary.errors and summary.errors[0]["crm_id"] == crm.crm_id
    assert len(crm.tasks()) == 1


def test_set_property_flags_the_record_for_the_crms_own_automation(db, crm):
    client = crm.connect()
    # Salesforce: the standard Lead Rating picklist, which assignment and escalation rules commonly key on.
    name, value = ("leadscore_nurture_track", "sales_ready") if crm.name == "hubspot" else ("Rating", "Hot")
    add_rule(db, crm.installation, {"type": "crosses", "direction": "up", "threshold": 80},
             [{"type": "set_property", "name": name, "value": value}])
    if crm.name == "hubspot":
        _hubspot_property(client, name)
    summary = run_for_transitions(db, crm.installation, client, [c_to_a(crm)], sync_run_id=1)
    assert summary.done == 1, summary.errors
    assert crm.field(name) == value


def _hubspot_property(client, name):
    from hubspot.crm.properties import PropertyCreate
    client._properties.create("contacts", PropertyCreate(name=name, label="Nurture track", type="string",
                                                         field_type="text", group_name="contactinformation"))


class _Receiver(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    _Receiver.received = []
    Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", _Receiver.received
    server.shutdown()


def test_outbound_webhook_is_signed_and_sent_once(db, crm, receiver):
    url, received = receiver
    key = b"installation-signing-key"
    add_rule(db, crm.installation, {"type": "enters_tier", "tier": "A"}, [{"type": "webhook", "url": url}])
    for run in (1, 2):
        run_for_transitions(db, crm.installation, crm.connect(), [c_to_a(crm)], sync_run_id=run, webhook_key=key)
    [(headers, body)] = received
    expected = "sha256=" + hmac.new(key, headers["X-LeadScore-Timestamp"].encode() + b"." + body,
                                    hashlib.sha256).hexdigest()
    assert headers["X-LeadScore-Signature"] == expected == signature(key, headers["X-LeadScore-Timestamp"], body)
    payload = json.loads(body)
    assert payload["new_tier"] == "A" and payload["reasons"][0].startswith("Visited pricing")


def test_a_webhook_without_a_signing_key_is_given_up_not_sent_unsigned(db, crm, receiver):
    url, received = receiver
    add_rule(db, crm.installation, {"type": "enters_tier", "tier": "A"}, [{"type": "webhook", "url": url}])
    summary = run_for_transitions(db, crm.installation, crm.connect(), [c_to_a(crm)], sync_run_id=1)
    assert summary.gave_up == 1 and received == []
    assert "signing key" in db.query(ActionLog).one().outcome["error"]
