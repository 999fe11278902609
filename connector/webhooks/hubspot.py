"""`POST /webhooks/hubspot`: a signed batch of contact events becomes one rescore request per installation.

HubSpot retries on 5xx, 429 and timeouts (up to 10 times) but never on other 4xx, so anything we cannot use
is answered with a 4xx and a message. A redelivered batch queues nothing: its events have receipts.

A deletion (`contact.deletion`, and `contact.privacyDeletion` for a GDPR delete, which HubSpot sends beside the
plain one) queues the erasure of everything held about the contact instead of a rescore, for every installation
of the portal whatever its state: a deletion is owed to the person even while syncs are paused.
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
    by_portal, deleted_by_portal = _contacts_by_portal(body)
    portals = set(by_portal) | set(deleted_by_portal)
    session = get_session()
    installations = session.scalars(select(Installation).where(
        Installation.crm == Crm.HUBSPOT, Installation.account_id.in_(list(portals)))).all()
    if portals and not installations:
        abort(404, f"No installation for HubSpot portal {', '.join(sorted(portals))}.")
    queued, erasing, repeated = {}, {}, 0
    for installation in installations:
        if installation.status is InstallationStatus.DISCONNECTED:
            continue  # its rows were handled when it was disconnected; it has no portal to hear from
        active = installation.status is InstallationStatus.ACTIVE
        events = by_portal.get(installation.account_id, {}) if active else {}
        deletions = deleted_by_portal.get(installation.account_id, {})
        new = first_seen(session, installation.id, set(events) | set(deletions),
                         current_app.config["WEBHOOK_DEDUPE_SECONDS"])
        repeated += sum(1 for key in set(events) | set(deletions) if key not in new)
        deleted = _new_contacts(deletions, new)
        if deleted:
            jobs.enqueue(jobs.FORGET, installation_id=installation.id, record_ids=deleted,
                         requested_by="hubspot webhook", reason="deleted in HubSpot")
            erasing[installation.account_id] = len(deleted)
        # A contact deleted in this batch is not rescored: its rescore would find nothing, or race the erasure.
        contacts = [c for c in _new_contacts(events, new) if c not in set(deleted)]
        if contacts:
            jobs.enqueue(jobs.RESCORE, installation_id=installation.id, record_ids=contacts)
            queued[installation.account_id] = len(contacts)
    # After the enqueue: had it failed, the 500 makes HubSpot retry, and the retry must not look like a repeat.
    session.commit()
    unknown = portals - {i.account_id for i in installations}
    if unknown:
        log.warning("webhook events for unknown HubSpot portals %s ignored", sorted(unknown))
    answer = {"queued": queued, "repeated_events": repeated}
    if erasing:
        answer["erasing"] = erasing
    return jsonify(answer)


def _new_contacts(events: dict[str, set[str]], new: set[str]) -> list[str]:
    contacts = {contact for key, contacts in events.items() if key in new for contact in contacts}
    return sorted(contacts, key=int)  # ascii digits only (hubspot_id)


DELETIONS = frozenset({"contact.deletion", "contact.privacyDeletion"})
Events = dict[str, dict[str, set[str]]]


def _contacts_by_portal(body: bytes) -> tuple[Events, Events]:
    """({portal id: {event key: contact ids}} of changes, the same of deletions) from a batch; a malformed event
    is skipped, a malformed batch is a 400. Events without an eventId are keyed by a hash of the whole signed
    body: a replay of the same bytes (possible while the v3 timestamp is fresh) then counts as a repeat too."""
    body_key = "body:" + hashlib.sha256(body).hexdigest()
    try:
        events = json_input.loads(body)
    except json_input.JsonRefused as exc:
        abort(exc.status, str(exc))
    if not isinstance(events, list):
        abort(400, "Expected a JSON array of events.")
    changes: Events = defaultdict(lambda: defaultdict(set))
    deletions: Events = defaultdict(lambda: defaultdict(set))
    for event in events:
        if not isinstance(event, dict) or not str(event.get("subscriptionType", "")).startswith("contact."):
            continue
        portal, contact = hubspot_id(event.get("portalId")), hubspot_id(event.get("objectId"))
        if portal is not None and contact is not None:
            kind = deletions if event["subscriptionType"] in DELETIONS else changes
            # The body key is shared by every keyless event of the batch: kept apart per kind, so one kind's
            # receipt cannot make the other's events look repeated.
            key = _event_key(event) or (body_key if kind is changes else body_key + ":deleted")
            kind[portal][key].add(contact)
    return changes, deletions


def _event_key(event: dict) -> str | None:
    """What stays the same when HubSpot redelivers an event (only `attemptNumber` changes). HubSpot does not
    promise `eventId` is unique on its own, so the subscription, record and time are part of the key. Hashed:
    a receipt must not name the contact, or it would outlive the contact's erasure by a day."""
    if event.get("eventId") is None:
        return None
    key = ":".join(str(event.get(name, "")) for name in ("eventId", "subscriptionId", "objectId", "occurredAt"))
    return "event:" + hashlib.sha256(key.encode()).hexdigest()
