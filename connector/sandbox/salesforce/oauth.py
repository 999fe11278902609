"""OAuth 2.0 web-server flow as Salesforce runs it: authorize page, code (+PKCE) and refresh grants, identity
URL, revocation, and sessions that expire after the org's session timeout."""
from __future__ import annotations

import base64
import hashlib
import hmac
import math
import secrets
import threading
from dataclasses import dataclass, field

from ..clock import Clock

CODE_LIFETIME = 15 * 60  # Salesforce authorization codes are good for 15 minutes


class OAuthError(Exception):
    """An RFC 6749 error answer: {"error", "error_description"}."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


@dataclass
class Session:
    org_id: str
    user_id: str
    expires_at: float
    refresh_token: str | None = field(default=None, repr=False)


@dataclass
class Grant:
    org_id: str
    user_id: str
    client_id: str
    redirect_uri: str = ""
    challenge: str | None = field(default=None, repr=False)
    challenge_method: str = "plain"
    expires_at: float = 0.0


class Tokens:
    """Every code, access token and refresh token the sandbox has handed out."""

    def __init__(self, clock: Clock, session_lifetime: float, apps: dict[str, str] | None):
        self.clock = clock
        self.session_lifetime = session_lifetime
        self.apps = dict(apps or {})
        self._codes: dict[str, Grant] = {}
        self._sessions: dict[str, Session] = {}
        self._refresh: dict[str, Grant] = {}
        self._lock = threading.Lock()

    # -- clients --------------------------------------------------------------------------------------

    def check_client(self, client_id: str | None, client_secret: str | None, secret_required: bool) -> None:
        """Any client is accepted until apps are registered (`--app ID:SECRET`), as an open sandbox."""
        if not client_id:
            raise OAuthError("invalid_client_id", "client identifier invalid")
        if not self.apps:
            return
        if client_id not in self.apps:
            raise OAuthError("invalid_client_id", "client identifier invalid")
        if (secret_required or client_secret) and not hmac.compare_digest(self.apps[client_id], client_secret or ""):
            raise OAuthError("invalid_client", "invalid client credentials")

    def secret_for(self, client_id: str) -> str:
        return self.apps.get(client_id, "sandbox-secret")

    # -- grants ---------------------------------------------------------------------------------------

    def new_code(self, grant: Grant) -> str:
        code = "aPrx" + secrets.token_urlsafe(24)
        grant.expires_at = self.clock.time() + CODE_LIFETIME
        with self._lock:
            self._codes[code] = grant
        return code

    def redeem_code(self, code: str, redirect_uri: str | None, verifier: str | None, client_id: str) -> Grant:
        with self._lock:
            grant = self._codes.pop(code or "", None)  # single use, like the real one
        if grant is None or grant.expires_at < self.clock.time():
            raise OAuthError("invalid_grant", "invalid authorization code")
        if grant.client_id != client_id:
            raise OAuthError("invalid_grant", "authorization code was issued to another client")
        if grant.redirect_uri and redirect_uri != grant.redirect_uri:
            raise OAuthError("redirect_uri_mismatch", "redirect_uri must match configuration")
        if grant.challenge is not None and not _pkce_matches(grant.challenge, grant.challenge_method, verifier):
            raise OAuthError("invalid_grant", "invalid code verifier")
        return grant

    def issue(self, org_id: str, user_id: str, client_id: str, with_refresh: bool = True) -> tuple[str, str | None]:
        refresh = ("5Aep" + secrets.token_urlsafe(48)) if with_refresh else None
        with self._lock:
            if refresh:
                self._refresh[refresh] = Grant(org_id, user_id, client_id)
        return self.new_session(org_id, user_id, refresh), refresh

    def new_session(self, org_id: str, user_id: str, refresh: str | None) -> str:
        access = f"{org_id}!AQ" + secrets.token_urlsafe(60)
        with self._lock:
            self._sessions[access] = Session(org_id, user_id, self.clock.time() + self.session_lifetime, refresh)
        return access

    def add_fixed_session(self, access: str, org_id: str, user_id: str) -> None:
        """A session id that lives until the sandbox stops (or every session is expired by the fault switch)."""
        with self._lock:
            self._sessions[access] = Session(org_id, user_id, math.inf)

    def refresh(self, refresh_token: str, client_id: str) -> tuple[Grant, str]:
        with self._lock:
            grant = self._refresh.get(refresh_token or "")
        if grant is None:
            raise OAuthError("invalid_grant", "expired access/refresh token")
        if grant.client_id != client_id:
            raise OAuthError("invalid_grant", "refresh token was issued to another client")
        return grant, self.new_session(grant.org_id, grant.user_id, refresh_token)

    def session(self, access_token: str) -> Session | None:
        with self._lock:
            found = self._sessions.get(access_token)
        if found is None or found.expires_at <= self.clock.time():
            return None
        return found

    def revoke(self, token: str) -> bool:
        """Revoking a refresh token ends the sessions it issued too; revoking an access token ends that one."""
        with self._lock:
            if self._refresh.pop(token, None) is not None:
                for key in [k for k, s in self._sessions.items() if s.refresh_token == token]:
                    del self._sessions[key]
                return True
            return self._sessions.pop(token, None) is not None

    def expire_all(self) -> None:
        with self._lock:
            for found in self._sessions.values():
                found.expires_at = 0.0

    def signature(self, client_id: str, identity_url: str, issued_at: str) -> str:
        digest = hmac.new(self.secret_for(client_id).encode(), (identity_url + issued_at).encode(), hashlib.sha256)
        return base64.b64encode(digest.digest()).decode()


def _pkce_matches(challenge: str, method: str, verifier: str | None) -> bool:
    if not verifier:
        return False
    if method == "S256":
        expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    else:
        expected = verifier
    return hmac.compare_digest(expected, challenge)
