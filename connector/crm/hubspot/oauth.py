"""OAuth for the connector's HubSpot app: consent URL, code exchange, refresh, revoke.

HubSpot's date-versioned endpoints are the default: `POST /oauth/2026-03/token`, `/token/introspect` and
`/token/revoke`, every parameter in a form body (HubSpot's "v3 OAuth" guide; OpenAPI `oauth-2026-03.json`).
The v1 endpoints (`/oauth/v1/token`, `GET /oauth/v1/access-tokens/{t}`, `DELETE /oauth/v1/refresh-tokens/{t}`)
are retired on 16 Feb 2027 and kept only as a fallback: endpoints whose token URL ends in `/oauth/v1/token`
(`hubspot_endpoints(..., oauth_version="v1")`, or `HUBSPOT_TOKEN_URL` set so) use them until then.
hubspot-api-client 12 knows only v1, so both are spoken here with `requests`.

Each function makes one exchange and raises `connector.crm.errors`; `HubSpotClient` adds retries.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable, Sequence
from urllib.parse import quote, urlencode

import requests

from connector import clock

from ..base import CrmEndpoints, Credentials
from ..errors import AuthRevoked, CrmRequestInvalid, CrmUnavailable
from .errors import from_status

OAUTH_VERSION = "2026-03"
V1_TOKEN_PATH = "/oauth/v1/token"
REQUEST_TIMEOUT = (5.0, 30.0)  # (connect, read) seconds


def hubspot_endpoints(api_base: str = "https://api.hubapi.com", app_base: str = "https://app.hubspot.com",
                      oauth_version: str = OAUTH_VERSION) -> CrmEndpoints:
    """HubSpot's hosts; a sandbox is just another pair of hosts. `oauth_version="v1"` is the fallback."""
    if oauth_version not in (OAUTH_VERSION, "v1"):
        raise ValueError(f"unsupported HubSpot OAuth version {oauth_version!r}")
    api_base = api_base.rstrip("/")
    token_url = f"{api_base}/oauth/{oauth_version}/token"
    return CrmEndpoints(
        api_base=api_base,
        authorize_url=app_base.rstrip("/") + "/oauth/authorize",
        token_url=token_url,
        revoke_url=_revoke_url(api_base, token_url),
    )


def authorize_url(endpoints: CrmEndpoints, client_id: str, redirect_uri: str, scopes: Sequence[str],
                  state: str, optional_scopes: Sequence[str] = ()) -> str:
    """The consent page to send the installing admin to (the SDK's helper is pinned to app.hubspot.com)."""
    if not scopes:
        raise ValueError("at least one OAuth scope is required")
    query = {"client_id": client_id, "redirect_uri": redirect_uri, "scope": " ".join(scopes), "state": state}
    if optional_scopes:
        query["optional_scope"] = " ".join(optional_scopes)
    return endpoints.authorize_url + "?" + urlencode(query)


def exchange_code(endpoints: CrmEndpoints, client_id: str, client_secret: str, code: str, redirect_uri: str,
                  now: Callable[[], datetime] | None = None, session: requests.Session | None = None) -> Credentials:
    """Trade the authorization code for tokens; the portal comes with them (2026-03 `hub_id`), or from
    token info when the answer does not name it (v1)."""
    token = _send(session, "POST", endpoints.token_url, {
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
        "client_id": client_id, "client_secret": client_secret})
    hub_id = token.get("hub_id") or _token_info(endpoints, client_id, client_secret, _access_token(token),
                                                session).get("hub_id")
    if hub_id is None:
        raise CrmUnavailable("HubSpot token info did not name a portal")
    return _credentials(token, str(hub_id), now)


def refresh(endpoints: CrmEndpoints, client_id: str, client_secret: str, refresh_token: str, account_id: str,
            now: Callable[[], datetime] | None = None, session: requests.Session | None = None) -> Credentials:
    """New access token for a portal; `AuthRevoked` when the refresh token is no longer valid."""
    if not refresh_token:
        raise AuthRevoked("no refresh token stored for this HubSpot portal")
    token = _send(session, "POST", endpoints.token_url, {
        "grant_type": "refresh_token", "refresh_token": refresh_token,
        "client_id": client_id, "client_secret": client_secret})
    credentials = _credentials(token, account_id, now)
    if not credentials.refresh_token:  # HubSpot keeps the refresh token; some answers omit it
        credentials.refresh_token = refresh_token
    return credentials


def revoke(endpoints: CrmEndpoints, refresh_token: str, client_id: str, client_secret: str,
           session: requests.Session | None = None) -> None:
    """Delete the refresh token (uninstall / disconnect). Already gone counts as done: HubSpot answers a
    second revocation with 400 BAD_REFRESH_TOKEN (`AuthRevoked`), v1 sometimes with a 404."""
    try:
        if _is_v1(endpoints):
            _send(session, "DELETE", f"{_revoke_url(endpoints.api_base, endpoints.token_url)}/"
                                     f"{quote(refresh_token, safe='')}", None)
        else:
            _send(session, "POST", _revoke_url(endpoints.api_base, endpoints.token_url), {
                "token": refresh_token, "token_type_hint": "refresh_token",
                "client_id": client_id, "client_secret": client_secret})
    except (AuthRevoked, CrmRequestInvalid):
        return


def _token_info(endpoints: CrmEndpoints, client_id: str, client_secret: str, access_token: str,
                session: requests.Session | None) -> dict[str, Any]:
    if _is_v1(endpoints):
        url = f"{endpoints.api_base}/oauth/v1/access-tokens/{quote(access_token, safe='')}"
        return _send(session, "GET", url, None)
    return _send(session, "POST", endpoints.token_url + "/introspect", {
        "token": access_token, "token_type_hint": "access_token",
        "client_id": client_id, "client_secret": client_secret})


def _is_v1(endpoints: CrmEndpoints) -> bool:
    return endpoints.token_url.endswith(V1_TOKEN_PATH)


def _revoke_url(api_base: str, token_url: str) -> str:
    """From the token URL, so endpoints built from settings (a token URL, no revoke URL) revoke alike."""
    return api_base + "/oauth/v1/refresh-tokens" if token_url.endswith(V1_TOKEN_PATH) else token_url + "/revoke"


def _send(session: requests.Session | None, method: str, url: str, form: dict[str, str] | None) -> Any:
    """One exchange; the JSON answer ({} for an empty 2xx). Errors are built from HubSpot's body only: the
    URL of a v1 token-info or revoke call holds a token, and requests' messages repeat URLs."""
    try:
        answer = (session or requests).request(method, url, data=form, timeout=REQUEST_TIMEOUT,
                                               headers={"Accept": "application/json"})
    except requests.RequestException as exc:
        raise CrmUnavailable(f"HubSpot could not be reached ({type(exc).__name__})") from None
    if answer.status_code >= 300:
        raise from_status(answer.status_code, answer.headers, answer.content)
    if not answer.content:
        return {}
    try:
        body = answer.json()
    except ValueError:
        raise CrmUnavailable("HubSpot answered an OAuth request with unreadable JSON") from None
    if not isinstance(body, dict):
        raise CrmUnavailable("HubSpot answered an OAuth request with an unexpected body")
    return body


def _access_token(token: dict[str, Any]) -> str:
    if not token.get("access_token"):
        raise CrmUnavailable("HubSpot token endpoint answered without an access token")
    return str(token["access_token"])


def _credentials(token: dict[str, Any], account_id: str, now: Callable[[], datetime] | None) -> Credentials:
    access_token = _access_token(token)
    issued = (now or _utcnow)()
    expires_in = token.get("expires_in")
    expires_at = issued + timedelta(seconds=int(expires_in)) if expires_in else None
    return Credentials(access_token=access_token, refresh_token=token.get("refresh_token"),
                       expires_at=expires_at, account_id=account_id)


def _utcnow() -> datetime:
    return clock.now()
