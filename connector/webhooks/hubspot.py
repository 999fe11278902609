"""`POST /webhooks/hubspot`: a signed batch of contact events becomes one rescore request per installation.

HubSpot retries on 5xx, 429 and timeouts (up to 10 times) but never on other 4xx, so anything we cannot use
is answered with a 4xx and a message. A redelivered batch queues nothing: its events have receipts.
"""
from __future__ import annotations

import hashlib
import logging
from collections import defaultdict

from flask import abort, current_app, jsonify, request
from sqlalchemy import select

from connector import jobs
from connector.app.public_url import public_request_url
from connector.db import get_session
from connector.db.models import Crm, Installation, InstallationStatus
from connector.security import json_input
from connector.security.crm_ids import hubspot_id

from . import bp
from .receipts import first_seen
from .signatures import SignatureInvalid, verify_v3

log = logging.getLogger(__name__)


@bp.post("/hubspot")
def hubspot():
    body = request.get_data(cache=False)
    try:
        verify_v3(current_app.config["HUBSPOT_CLIENT_SECRET"], request.method, public_request_url(), body,
                  request.headers.get("X-HubSpot-Signature-v3"), request.headers.get("X-HubSpot-Request-Timestamp"))
    except SignatureInvalid as exc:
        abort(401, f"Signature check failed: {exc}.")
    by_portal = _contacts_by_portal(body)
    session = get_session()
    installations = session.scalars(select(Installation).where(
        Installation.crm == Crm.HUBSPOT, Installation.account_id.in_(list(by_portal)))).all()
    if by_portal and not installations:
        abort(404, f"No installation for HubSpot portal {', '.join(sorted(by_portal))}.")
    queued, repeated = {}, 0
    for installation in installations:
        if installation.status is not InstallationStatus.ACTIVE:
            continue  # paused or waiting for a reconnect: the next sync after it catches up
        events = by_portal[installation.account_id]
        new = first_seen(session, installation.id, set(events), current_app.config["WEBHOOK_DEDUPE_SECONDS"])
        contacts = {contact for key, contacts in events.items() if key in new for contact in contacts}
        repeated += sum(1 for key in events if key not in new)
        if contacts:
            record_ids = sorted(contacts, key=int)  # ascii digits only (hubspot_id)
            jobs.enqueue(jobs.RESCORE, installation_id=installation.id, record_ids=record_ids)
            queued[installation.account_id] = len(record_ids)
    # After the enqueue: had it failed, the 500 makes HubSpot retry, and the retry must not look like a repeat.
    session.commit()
    unknown = set(by_portal) - {i.account_id for i in installations}
    if unknown:
        log.warning("webhook events for unknown HubSpot portals %s ignored", sorted(unknown))
    return jsonify(queued=queued, repeated_events=repeated)


def _contacts_by_portal(body: bytes) -> dict[str, dict[str, set[str]]]:
    """{portal id: {event key: contact ids}} from a batch; a malformed event is skipped, a malformed batch is
    a 400. Events without an eventId are keyed by a hash of the whole signed body: a replay of the same bytes
    (possible while the v3 timestamp is fresh) then counts as a repeat too."""
    body_key = "body:" + hashlib.sha256(body).hexdigest()
    try:
        events = json_input.loads(body)
    except json_input.JsonRefused as exc:
        abort(exc.status, str(exc))
    if not isinstance(events, list):
        abort(400, "Expected a JSON array of events.")
    by_portal: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for event in events:
        if not isinstance(event, dict) or not str(event.get("subscriptionType", "")).startswith("contact."):
            continue
        portal, contact = hubspot_id(event.get("portalId")), hubspot_id(event.get("objectId"))
        if portal is not None and contact is not None:
            by_portal[portal][_event_key(event) or body_key].add(contact)
    return by_portal


def _event_key(event: dict) -> str | None:
    """What stays the same when HubSpot redelivers an event (only `attemptNumber` changes). HubSpot does not
    promise `eventId` is unique on its own, so the subscription, record and time are part of the key."""
    if event.get("eventId") is None:
        return None
    key = ":".join(str(event.get(name, "")) for name in ("eventId", "subscriptionId", "objectId", "occurredAt"))
    return key[:120]  # the column's width; real keys are ~60 characters, a longer one is not HubSpot's
