"""App-level webhook subscriptions, delivered the way HubSpot does it: batches of up to 100 events as a JSON
array, signed with X-HubSpot-Signature-v3, retried on 5xx / 429 / no answer with exponential backoff (a
Retry-After wins), never on other 4xx, at most 10 attempts.

API views only append to a queue; a background thread batches and sends, so a slow receiver never slows the API.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import queue
import threading
import time
from dataclasses import dataclass, field

import requests

from ..clock import Clock

BATCH_MAX = 100
MAX_ATTEMPTS = 10
EVENT_TYPES = {"contact.creation", "contact.propertyChange", "contact.deletion", "contact.privacyDeletion"}
CHANGE_FLAGS = {"contact.creation": "NEW", "contact.deletion": "DELETED", "contact.privacyDeletion": "DELETED"}


def signature_v3(secret: str, method: str, uri: str, body: bytes, timestamp: str) -> str:
    """base64(HMAC-SHA256(app secret, method + full URI + body + timestamp)), as receivers verify it."""
    message = method.encode() + uri.encode() + body + timestamp.encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


@dataclass
class Subscription:
    id: int
    target_url: str
    app_id: str
    app_secret: str = field(repr=False)
    event_type: str
    property_name: str | None = None


class WebhookDispatcher:
    def __init__(self, clock: Clock, backoff: float = 1.0, timeout: float = 5.0):
        self.clock = clock
        self.backoff = backoff  # sandbox seconds before the first retry; doubles each time
        self.timeout = timeout
        self.subscriptions: list[Subscription] = []
        self.deliveries: list[dict] = []  # what was sent and how it was answered, for tests
        self._queue: queue.Queue = queue.Queue()
        self._ids = itertools.count(1)
        self._events = itertools.count(1)
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()
        self._lock = threading.Lock()

    def subscribe(self, target_url: str, app_id: str, app_secret: str, event_type: str,
                  property_name: str | None = None) -> Subscription:
        if event_type not in EVENT_TYPES:
            raise ValueError(f"unsupported webhook event type {event_type!r}; expected one of {sorted(EVENT_TYPES)}")
        if event_type == "contact.propertyChange" and not property_name:
            raise ValueError("a contact.propertyChange subscription needs a propertyName")
        subscription = Subscription(next(self._ids), target_url, str(app_id), app_secret, event_type, property_name)
        with self._lock:
            self.subscriptions.append(subscription)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="hubspot-webhooks", daemon=True)
                self._thread.start()
        return subscription

    def contact_created(self, portal_id: int, contact_id: int, stamp: int) -> None:
        for sub in self.subscriptions:
            if sub.event_type == "contact.creation":
                self._queue.put((sub, self._event(sub, portal_id, contact_id, stamp)))

    def property_changed(self, portal_id: int, contact_id: int, name: str, value, stamp: int) -> None:
        for sub in self.subscriptions:
            if sub.event_type == "contact.propertyChange" and sub.property_name == name:
                event = self._event(sub, portal_id, contact_id, stamp)
                event.update(propertyName=name, propertyValue="" if value is None else str(value))
                self._queue.put((sub, event))

    def contact_deleted(self, portal_id: int, contact_id: int, stamp: int, privacy: bool) -> None:
        """A delete raises contact.deletion; a GDPR delete raises contact.privacyDeletion as well (HubSpot's
        changelog, "Webhooks now support privacy-compliant contact deletions": subscribers to both get two)."""
        wanted = {"contact.deletion", "contact.privacyDeletion"} if privacy else {"contact.deletion"}
        for sub in self.subscriptions:
            if sub.event_type in wanted:
                self._queue.put((sub, self._event(sub, portal_id, contact_id, stamp)))

    def _event(self, sub: Subscription, portal_id: int, contact_id: int, stamp: int) -> dict:
        return {"eventId": next(self._events), "subscriptionId": sub.id, "portalId": portal_id,
                "appId": int(sub.app_id) if sub.app_id.isdigit() else sub.app_id, "occurredAt": stamp,
                "subscriptionType": sub.event_type, "attemptNumber": 0, "objectId": contact_id,
                "changeSource": "CRM", "changeFlag": CHANGE_FLAGS.get(sub.event_type)}

    def stop(self) -> None:
        """Stop sending; a delivery in flight finishes and is recorded first (retries on timers do not)."""
        self._stopped.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                first = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            pending = [first]
            while len(pending) < BATCH_MAX * 10:
                try:
                    pending.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            for (url, app_id, secret), events in _by_target(pending).items():
                for start in range(0, len(events), BATCH_MAX):
                    self._attempt(url, secret, events[start:start + BATCH_MAX], 1)

    def _attempt(self, url: str, secret: str, events: list[dict], attempt: int) -> None:
        for event in events:
            event["attemptNumber"] = attempt - 1
        body = json.dumps(events).encode()
        # Wall time, not the sandbox clock: receivers check the stamp against their own clock (5 minutes of
        # skew at most), and a sandbox on a faster clock would otherwise sign deliveries "from the future".
        timestamp = str(int(time.time() * 1000))
        headers = {"Content-Type": "application/json", "X-HubSpot-Request-Timestamp": timestamp,
                   "X-HubSpot-Signature-v3": signature_v3(secret, "POST", url, body, timestamp),
                   "X-HubSpot-Signature-Version": "v3"}
        try:
            response = requests.post(url, data=body, headers=headers, timeout=self.timeout)
            status, retry_after = response.status_code, response.headers.get("Retry-After")
        except requests.RequestException:
            status, retry_after = None, None
        self.deliveries.append({"url": url, "attempt": attempt, "status": status, "events": len(events)})
        retryable = status is None or status >= 500 or status == 429
        if not retryable or attempt >= MAX_ATTEMPTS or self._stopped.is_set():
            return
        delay = self.clock.real_seconds(self.backoff * 2 ** (attempt - 1))
        if retry_after and retry_after.strip().isdigit():
            delay = float(retry_after)
        timer = threading.Timer(delay, self._attempt, (url, secret, events, attempt + 1))
        timer.daemon = True
        timer.start()


def _by_target(pending: list[tuple[Subscription, dict]]) -> dict[tuple[str, str, str], list[dict]]:
    """HubSpot batches events per app and target URL, whatever subscription raised them."""
    groups: dict[tuple[str, str, str], list[dict]] = {}
    for sub, event in pending:
        groups.setdefault((sub.target_url, sub.app_id, sub.app_secret), []).append(event)
    return groups
