"""`HubSpotSandbox`: the Python face tests use (portals, tokens, faults, inspection) and the Flask app
the unmodified `hubspot-api-client` talks to over HTTP."""
from __future__ import annotations

import threading
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from ..clock import Clock
from ..faults import Faults
from ..limits import DailyAllowance, RollingWindow
from . import contacts, engagements, inspect, oauth, properties, search
from .http import error
from .seed import owners, seed_csv, seed_people, standard_schema, workflows
from .store import IdSequence, Portal, iso
from .webhooks import WebhookDispatcher

FIRST_PORTAL_ID = 20_000_001


@dataclass(frozen=True)
class App:
    """The app tests install: the first registered one, or the sandbox's default when any app is accepted."""
    client_id: str
    client_secret: str


class HubSpotSandbox:
    def __init__(self, clock: Clock | None = None, token_lifetime: int = 1800, apps: dict[str, str] | None = None,
                 request_limit: int = 110, window_seconds: float = 10, search_per_second: int = 5,
                 daily_limit: int = 250_000, webhook_backoff: float = 1.0):
        """Limits are HubSpot's for OAuth apps (110 per 10 s, search 5 per second, no daily cap); requests
        made with a private app token also count against `daily_limit` (250,000 on Free and Starter)."""
        self.clock = clock or Clock()
        self.token_lifetime = token_lifetime
        self.apps = dict(apps or {})
        first = next(iter(self.apps.items()), ("sandbox-client-id", "sandbox-client-secret"))
        self.app = App(*first)
        self.request_limit, self.window_seconds = request_limit, window_seconds
        self._default_limits = (request_limit, search_per_second, daily_limit)
        self.request_window = RollingWindow(request_limit, window_seconds, self.clock)
        self.search_window = RollingWindow(search_per_second, 1.0, self.clock)
        self.daily_allowance = DailyAllowance(daily_limit, self.clock)
        self.faults = Faults()
        self.tokens = oauth.TokenStore()
        self.webhooks = WebhookDispatcher(self.clock, backoff=webhook_backoff)
        self.lock = threading.RLock()
        self.next_id = IdSequence()
        self._portals: dict[int, Portal] = {}
        self._calls: dict[int, Counter] = defaultdict(Counter)
        self.base_url: str | None = None  # set by whoever serves `wsgi_app`
        self.wsgi_app = self._flask()

    # -- portals and data ----------------------------------------------------------------------------

    def add_portal(self, contacts: int = 1000, seed: int = 42, csv: str | Path | None = None) -> Portal:
        """A new portal (hub) with its own data: `contacts` generated people, or the rows of `csv`."""
        if contacts < 0:
            raise ValueError("contacts must not be negative")
        stamp = int(self.clock.time() * 1000)
        with self.lock:
            portal = Portal(id=FIRST_PORTAL_ID + len(self._portals))
            portal.owners = owners(portal.id, stamp)
            portal.workflows = workflows(stamp)
            standard_schema(portal, stamp)
            if csv is not None:
                seed_csv(portal, csv, stamp, self.next_id)
            else:
                seed_people(portal, contacts, seed, self.clock.now(), self.next_id)
            self._portals[portal.id] = portal
        return portal

    def portals(self) -> list[Portal]:
        return list(self._portals.values())

    def portal(self, portal_id: int) -> Portal | None:
        return self._portals.get(int(portal_id))

    def choose_portal(self, choice: str | None) -> Portal | None:
        """The authorize form's choice: a portal id, "new" for an empty new portal, or nothing for the first."""
        if choice == "new" or (not choice and not self._portals):
            return self.add_portal(contacts=0)
        if not choice:
            return self.portals()[0]
        return self.portal(int(choice)) if choice.isdigit() else None

    def contact(self, portal_id: int, contact_id) -> dict[str, str | None]:
        """Every stored property of a contact, including the ones HubSpot computes."""
        record = self._portals[int(portal_id)].contacts[int(contact_id)]
        return {**record.properties, "hs_object_id": str(record.id), "createdate": iso(record.created),
                "lastmodifieddate": iso(record.modified)}

    def bulk_edit(self, portal_id: int, ids, properties: dict) -> None:
        """Change many contacts with one shared lastmodifieddate, as HubSpot's imports and bulk edits do."""
        portal = self._portals[int(portal_id)]
        stamp = int(self.clock.time() * 1000)
        with self.lock:
            for contact_id in ids:
                contacts.update(portal, portal.contacts[int(contact_id)], properties, stamp, self.webhooks)

    def tasks(self, portal_id: int) -> list[dict]:
        return list(self._portals[int(portal_id)].tasks.values())

    def enrollments(self, portal_id: int) -> list[dict]:
        return list(self._portals[int(portal_id)].enrollments)

    def owners(self, portal_id: int) -> list[dict]:
        return list(self._portals[int(portal_id)].owners)

    def associations(self, portal_id: int) -> list[dict]:
        return list(self._portals[int(portal_id)].associations)

    # -- tokens --------------------------------------------------------------------------------------

    def issue_tokens(self, portal_id: int) -> dict:
        """Tokens as if the install flow had run, for tests that skip the browser."""
        with self.lock:
            tokens = self.tokens.issue(int(portal_id), self.app.client_id, self.token_lifetime, self.clock.time())
        return {k: tokens[k] for k in ("access_token", "refresh_token", "expires_in")}

    def add_private_app_token(self, portal_id: int, token: str) -> str:
        """A private app's static access token for a portal: no OAuth dance, no expiry, a daily limit."""
        if not token:
            raise ValueError("a private app token cannot be empty")
        with self.lock:
            self.tokens.add_private_app_token(token, self._portals[int(portal_id)].id)
        return token

    def expire_all_tokens(self) -> None:
        with self.lock:
            self.tokens.expire_all()

    def revoke_refresh_token(self, refresh_token: str) -> bool:
        """False when there was no such token (never issued, or revoked already)."""
        with self.lock:
            return self.tokens.refresh.pop(refresh_token, None) is not None

    def authenticate(self, authorization: str):
        """(grant, None) for a live bearer token, else (None, the 401 HubSpot answers)."""
        grant = self.tokens.access.get(authorization[7:]) if authorization.startswith("Bearer ") else None
        if grant is None:
            return None, error(401, "INVALID_AUTHENTICATION", "Authentication credentials not found.")
        if grant.expires_at <= self.clock.time():
            return None, error(401, "EXPIRED_AUTHENTICATION", "The OAuth token used to make this call expired.")
        return grant, None

    # -- webhooks, counting, reset -------------------------------------------------------------------

    def subscribe_webhooks(self, target_url: str, app_id, app_secret: str,
                           properties=("leadscore_override_tier", "lifecyclestage")) -> None:
        """App-level subscriptions: contact.creation, contact.deletion, contact.privacyDeletion, and
        contact.propertyChange for each of `properties`."""
        for event_type in ("contact.creation", "contact.deletion", "contact.privacyDeletion"):
            self.webhooks.subscribe(target_url, str(app_id), app_secret, event_type)
        for name in properties:
            self.webhooks.subscribe(target_url, str(app_id), app_secret, "contact.propertyChange", name)

    def count(self, portal_id: int, kind: str) -> None:
        """One API call of `kind`; answers refused by a limit (429) are counted again under "rate_limited"."""
        self._calls[int(portal_id)][kind] += 1

    def calls(self, portal_id: int) -> Counter:
        return self._calls[int(portal_id)]

    def set_limits(self, request_limit: int | None = None, search_per_second: int | None = None,
                   daily_limit: int | None = None) -> None:
        """Change the limits of a running sandbox (e.g. a test that searches faster than 5 a second)."""
        if request_limit is not None:
            self.request_limit = self.request_window.limit = request_limit
        if search_per_second is not None:
            self.search_window.limit = search_per_second
        if daily_limit is not None:
            self.daily_allowance.limit = daily_limit

    def reset(self) -> None:
        """Between tests: faults off, limits back to their defaults, counters cleared (portals and data stay)."""
        self.faults.clear()
        self.set_limits(*self._default_limits)
        self.request_window.reset()
        self.search_window.reset()
        self.daily_allowance.reset()
        self._calls.clear()
        self.webhooks.subscriptions.clear()
        self.webhooks.deliveries.clear()

    def _flask(self) -> Flask:
        app = Flask("hubspot_sandbox")
        app.extensions["hubspot_sandbox"] = self
        for module in (oauth, contacts, search, properties, engagements, inspect):
            app.register_blueprint(module.blueprint)

        @app.errorhandler(404)
        def not_found(_):
            return error(404, "OBJECT_NOT_FOUND", "Resource not found")

        @app.errorhandler(405)
        def not_allowed(_):
            return error(405, "METHOD_NOT_ALLOWED", "Method not allowed on this resource")

        return app
