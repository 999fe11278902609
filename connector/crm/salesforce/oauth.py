"""OAuth for the connector's Salesforce connected app: consent URL with PKCE, code exchange, refresh, revoke.

simple-salesforce 1.12 has no authorization-code or refresh-token flow, so these are plain form POSTs with
`requests`, through a session the caller may inject (the local sandbox's session rewrites https to http).
Each function makes one request and raises `connector.crm.errors`; `SalesforceClient` adds retries.
"""
from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any, Sequence
from urllib.parse import urlencode, urlsplit

import requests

from ..base import CrmEndpoints, Credentials
from ..errors import AuthRevoked, CrmRequestInvalid, CrmUnavailable
from .errors import TRANSPORT_ERRORS, from_status

REQUEST_TIMEOUT = (5.0, 30.0)  # (connect, read) seconds


def salesforce_endpoints(login_host: str = "https://login.salesforce.com",
                         instance_url: str | None = None) -> CrmEndpoints:
    """Salesforce's hosts: `login_host` for consent and tokens (test.salesforce.com for sandbox orgs, a My
    Domain, or the local sandbox), `instance_url` (from the token answer) for API calls once installed."""
    login_host = login_host.rstrip("/")
    return CrmEndpoints(
        api_base=(instance_url or login_host).rstrip("/"),
        authorize_url=login_host + "/services/oauth2/authorize",
        token_url=login_host + "/services/oauth2/token",
        revoke_url=login_host + "/services/oauth2/revoke",
    )


def new_code_verifier() -> str:
    """A PKCE code verifier: 64 URL-safe characters (RFC 7636 allows 43 to 128)."""
    return secrets.token_urlsafe(48)


def code_challenge_for(verifier: str) -> str:
    """The S256 challenge for a verifier: base64url(sha256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize_url(endpoints: CrmEndpoints, client_id: str, redirect_uri: str, state: str, code_challenge: str,
                  scopes: Sequence[str] = ("api", "refresh_token")) -> str:
    """The consent page to send the installing admin to. Without the `refresh_token` scope Salesforce
    issues no refresh token, and the installation would die with its first session."""
    if not scopes:
        raise ValueError("at least one OAuth scope is required")
    query = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "state": state,
             "scope": " ".join(scopes), "code_challenge": code_challenge, "code_challenge_method": "S256"}
    return endpoints.authorize_url + "?" + urlencode(query)


def exchange_code(endpoints: CrmEndpoints, client_id: str, client_secret: str, code: str, redirect_uri: str,
                  code_verifier: str, session: requests.Session | None = None) -> Credentials:
    """Trade the authorization code for tokens; the org (and integration user) come from the identity URL."""
    token = _post(endpoints.token_url, {
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
        "client_id": client_id, "client_secret": client_secret, "code_verifier": code_verifier}, session)
    org_id, user_id = identity_ids(token.get("id"))
    return _credentials(token, org_id, user_id, refresh_token=token.get("refresh_token"))


def refresh(endpoints: CrmEndpoints, client_id: str, client_secret: str, credentials: Credentials,
            session: requests.Session | None = None) -> Credentials:
    """A new session for the same grant; `AuthRevoked` when the refresh token is no longer valid."""
    if not credentials.refresh_token:
        raise AuthRevoked("no refresh token stored for this Salesforce org")
    token = _post(endpoints.token_url, {
        "grant_type": "refresh_token", "refresh_token": credentials.refresh_token,
        "client_id": client_id, "client_secret": client_secret}, session)
    # Salesforce keeps the refresh token (no rotation unless the org asks for it) and omits it here.
    fresh = _credentials(token, credentials.account_id, credentials.extra.get("user_id"),
                         refresh_token=token.get("refresh_token") or credentials.refresh_token)
    fresh.instance_url = fresh.instance_url or credentials.instance_url
    return fresh


def revoke(endpoints: CrmEndpoints, token: str, session: requests.Session | None = None) -> None:
    """Revoke the grant (uninstall). A token that is already invalid counts as done."""
    if not endpoints.revoke_url:
        raise ValueError("these Salesforce endpoints have no revoke URL")
    try:
        _post(endpoints.revoke_url, {"token": token}, session, expect_json=False)
    except CrmRequestInvalid:
        return


def identity_ids(identity_url: str | None) -> tuple[str, str | None]:
    """(org id, user id) from the identity URL `https://login.salesforce.com/id/<org>/<user>`."""
    parts = [p for p in urlsplit(identity_url or "").path.split("/") if p]
    if "id" in parts:
        ids = parts[parts.index("id") + 1:]
        if len(ids) >= 2:
            return ids[0], ids[1]
    raise CrmUnavailable("Salesforce token answer has no usable identity URL")


def _credentials(token: dict[str, Any], org_id: str, user_id: str | None, refresh_token: str | None) -> Credentials:
    if not token.get("access_token"):
        raise CrmUnavailable("Salesforce token endpoint answered without an access token")
    # Salesforce says nothing of expiry (the org's session timeout decides): refresh on the first 401.
    return Credentials(access_token=token["access_token"], refresh_token=refresh_token, expires_at=None,
                       account_id=org_id, instance_url=token.get("instance_url"),
                       extra={"user_id": user_id} if user_id else {})


def _post(url: str, form: dict[str, str], session: requests.Session | None, expect_json: bool = True) -> Any:
    http = session or requests.Session()
    try:
        answer = http.post(url, data=form, timeout=REQUEST_TIMEOUT, headers={"Accept": "application/json"})
    except TRANSPORT_ERRORS as exc:
        # No chaining: a transport error's text could echo the request.
        raise CrmUnavailable(f"Salesforce token endpoint could not be reached ({type(exc).__name__})") from None
    finally:
        if session is None:
            http.close()
    body = _json(answer)
    if answer.status_code >= 300:
        raise from_status(answer.status_code, body, answer.headers)
    if expect_json and not isinstance(body, dict):
        raise CrmUnavailable("Salesforce token endpoint answered with something other than JSON")
    return body


def _json(answer: requests.Response) -> Any:
    try:
        return answer.json()
    except ValueError:
        return None
