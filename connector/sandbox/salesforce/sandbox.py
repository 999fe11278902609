"""`SalesforceSandbox`: the orgs, their tokens and usage, and the Python API tests and the demo drive it by."""
from __future__ import annotations

import threading
from collections import Counter, defaultdict
from pathlib import Path

import requests

from ..clock import Clock
from ..faults import Faults
from connector.crm.salesforce.local_session import LocalSession
from .oauth import Tokens
from .query import Pager
from .schema import install_standard_fields
from .seed import add_behaviour_fields, seed_csv, seed_people, seed_users_and_campaigns
from .sobjects import as_stored
from .store import IdSource, Org

DEFAULT_INSTANCE = "https://sandbox.my.salesforce.com"


class SalesforceSandbox:
    def __init__(self, clock: Clock | None = None, session_lifetime: float = 7200,
                 apps: dict[str, str] | None = None, daily_limit: int = 100_000):
        if session_lifetime <= 0 or daily_limit <= 0:
            raise ValueError("session_lifetime and daily_limit must be positive")
        self.clock = clock or Clock()
        self.daily_limit = daily_limit
        self.faults = Faults()
        self.tokens = Tokens(self.clock, session_lifetime, apps)
        self.ids = IdSource()
        self.pager = Pager()
        # Job-info reads that find a closed Bulk API 2.0 ingest job still InProgress, so clients poll (`ingest`).
        self.ingest_polls_in_progress = 1
        self.base_url = ""  # set by whoever serves it; becomes the instance_url handed out
        self.orgs: dict[str, Org] = {}
        self._calls: dict[str, Counter] = defaultdict(Counter)
        self._lock = threading.Lock()
        self._wsgi = None

    @property
    def app(self):
        """The connected app tests and the demo use: the first registered one, or a default accepted by an
        open sandbox."""
        client_id, secret = next(iter(self.tokens.apps.items()), ("leadscore-sandbox-client", "sandbox-secret"))
        return ConnectedApp(client_id, secret)

    @property
    def wsgi_app(self):
        if self._wsgi is None:
            from .app import create_app  # the Flask app needs this object; build it on first use
            self._wsgi = create_app(self)
        return self._wsgi

    def now_ms(self) -> int:
        return int(self.clock.time() * 1000)

    # -- orgs -----------------------------------------------------------------------------------------

    def add_org(self, leads: int = 1000, contacts: int = 0, seed: int = 42, csv: str | Path | None = None,
                name: str | None = None) -> Org:
        if leads < 0 or contacts < 0:
            raise ValueError("leads and contacts must not be negative")
        org = Org(id=self.ids.new("Organization"), integration_user_id=self.ids.new("User"),
                  name=name or f"Sandbox Org {len(self.orgs) + 1}")
        install_standard_fields(org)
        seed_users_and_campaigns(org, self.ids, self.now_ms())
        add_behaviour_fields(org, self.ids)
        if csv is not None:
            seed_csv(org, self.ids, csv, self.now_ms())
        else:
            seed_people(org, self.ids, leads, contacts, seed, self.clock.now())
        with self._lock:
            self.orgs[org.id] = org
        return org

    def org(self, org_id: str) -> Org:
        try:
            return self.orgs[org_id]
        except KeyError:
            raise KeyError(f"no org {org_id} in this sandbox") from None

    # -- tokens ---------------------------------------------------------------------------------------

    def issue_tokens(self, org_id: str, client_id: str | None = None) -> dict:
        """Tokens for the org's integration user, as if the admin had just approved the app."""
        org = self.org(org_id)
        client_id = client_id or self.app.client_id
        access, refresh = self.tokens.issue(org.id, org.integration_user_id, client_id)
        return {**self.token_answer(org, org.integration_user_id, access, client_id, self.base_url),
                "refresh_token": refresh}

    def token_answer(self, org: Org, user_id: str, access: str, client_id: str, base_url: str) -> dict:
        instance = base_url or DEFAULT_INSTANCE
        identity = f"{instance}/id/{org.id}/{user_id}"
        issued_at = str(self.now_ms())
        return {"access_token": access, "instance_url": instance, "id": identity, "issued_at": issued_at,
                "signature": self.tokens.signature(client_id, identity, issued_at), "token_type": "Bearer",
                "scope": "refresh_token api id"}

    def add_session_id(self, org_id: str, session_id: str) -> str:
        """A fixed session id for the org's integration user, to try the API by hand without an OAuth flow."""
        if not session_id:
            raise ValueError("a session id cannot be empty")
        org = self.org(org_id)
        self.tokens.add_fixed_session(session_id, org.id, org.integration_user_id)
        return session_id

    def expire_all_sessions(self) -> None:
        self.tokens.expire_all()

    def revoke_refresh_token(self, refresh_token: str) -> None:
        self.tokens.revoke(refresh_token)

    # -- usage and inspection -------------------------------------------------------------------------

    def set_api_usage(self, org_id: str, used: int) -> None:
        """Today's usage so far (e.g. 91% to see a client slow down)."""
        if used < 0:
            raise ValueError("usage must not be negative")
        org = self.org(org_id)
        org.usage_day, org.api_used = int(self.clock.time() // 86400), used

    def count_call(self, org_id: str, kind: str) -> None:
        with self._lock:
            self._calls[org_id][kind] += 1

    def calls(self, org_id: str) -> Counter:
        return Counter(self._calls[org_id])

    def reset(self) -> None:
        """Between tests: faults off, counters cleared, sessions kept."""
        self.faults.clear()
        with self._lock:
            self._calls.clear()
        for org in self.orgs.values():
            org.api_used = 0

    def record(self, org_id: str, object_name: str, record_id: str) -> dict:
        return as_stored(self.org(org_id).tables[object_name][record_id])

    def records(self, org_id: str, object_name: str) -> list[dict]:
        return [as_stored(r) for r in self.org(org_id).tables[object_name].values()]

    def bulk_edit(self, org_id: str, object_name: str, ids, fields: dict) -> None:
        """Change many records under one SystemModstamp, as one Data Loader batch does."""
        org, stamp = self.org(org_id), self.now_ms()
        with org.lock:
            for record_id in ids:
                record = org.tables[object_name][record_id]
                record.update(fields)
                record["_ms"] = stamp

    def tasks(self, org_id: str) -> list[dict]:
        return self.records(org_id, "Task")

    def campaign_members(self, org_id: str) -> list[dict]:
        return self.records(org_id, "CampaignMember")

    def users(self, org_id: str) -> list[dict]:
        return self.records(org_id, "User")

    def local_session(self, base_url: str | None = None) -> requests.Session:
        return LocalSession(base_url or self.base_url)


class ConnectedApp:
    def __init__(self, client_id: str, client_secret: str):
        self.client_id = client_id
        self.client_secret = client_secret

    def __repr__(self) -> str:  # the secret stays out of logs
        return f"ConnectedApp(client_id={self.client_id!r})"
