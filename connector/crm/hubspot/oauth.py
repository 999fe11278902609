"""OAuth for the connector's HubSpot app: consent URL, code exchange, refresh, revoke.

hubspot-api-client 12 only knows the v1 token endpoints (`/oauth/v1/token`, `/oauth/v1/access-tokens/{t}`,
`/oauth/v1/refresh-tokens/{t}`), so they are used here. HubSpot deprecates v1 on 16 Feb 2027 in favour of
`/oauth/2026-03/token` (+ `/introspect`, `/revoke`, parameters in the body); move when the SDK does.
Each function makes one request and raises `connector.crm.errors`; `HubSpotClient` adds retries.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Callable, Sequence
from urllib.parse import urlencode, urlsplit

from hubspot import HubSpot
from urllib3.util.retry import Retry

from ..base import CrmEndpoints, Credentials
from ..errors import AuthRevoked, CrmRequestInvalid, CrmUnavailable
from .errors import SDK_ERRORS, TRANSPORT_ERRORS, from_sdk

TOKEN_PATH = "/oauth/v1/token"
REQUEST_TIMEOUT = (5.0, 30.0)  # (connect, read) seconds


def hubspot_endpoints(api_base: str = "https://api.hubapi.com",
                      app_base: str = "https://app.hubspot.com") -> CrmEndpoints:
    """HubSpot's hosts; a sandbox is just another pair of hosts."""
    api_base = api_base.rstrip("/")
    return CrmEndpoints(
        api_base=api_base,
        authorize_url=app_base.rstrip("/") + "/oauth/authorize",
        token_url=api_base + TOKEN_PATH,
        revoke_url=api_base + "/oauth/v1/refresh-tokens",
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
                  now: Callable[[], datetime] | None = None) -> Credentials:
    """Trade the authorization code for tokens, then ask HubSpot which portal they belong to."""
    sdk = _sdk(endpoints)
    token = _send(lambda: sdk.oauth.tokens_api.create(
        grant_type="authorization_code", code=code, redirect_uri=redirect_uri,
        client_id=client_id, client_secret=client_secret, _request_timeout=REQUEST_TIMEOUT))
    info = _send(lambda: sdk.oauth.access_tokens_api.get(token.access_token, _request_timeout=REQUEST_TIMEOUT))
    if info is None or info.hub_id is None:
        raise CrmUnavailable("HubSpot token info did not name a portal")
    return _credentials(token, str(info.hub_id), now)


def refresh(endpoints: CrmEndpoints, client_id: str, client_secret: str, refresh_token: str, account_id: str,
            now: Callable[[], datetime] | None = None) -> Credentials:
    """New access token for a portal; `AuthRevoked` when the refresh token is no longer valid."""
    if not refresh_token:
        raise AuthRevoked("no refresh token stored for this HubSpot portal")
    sdk = _sdk(endpoints)
    token = _send(lambda: sdk.oauth.tokens_api.create(
        grant_type="refresh_token", refresh_token=refresh_token,
        client_id=client_id, client_secret=client_secret, _request_timeout=REQUEST_TIMEOUT))
    credentials = _credentials(token, account_id, now)
    if not credentials.refresh_token:  # HubSpot keeps the refresh token; some answers omit it
        credentials.refresh_token = refresh_token
    return credentials


def revoke(endpoints: CrmEndpoints, refresh_token: str) -> None:
    """Delete the refresh token (uninstall / disconnect). Already gone counts as done."""
    sdk = _sdk(endpoints)
    try:
        _send(lambda: sdk.oauth.refresh_tokens_api.archive(refresh_token, _request_timeout=REQUEST_TIMEOUT))
    except CrmRequestInvalid:
        # v1 answers 400/404 for a token that is already revoked: the goal is met.
        return


def _sdk(endpoints: CrmEndpoints) -> HubSpot:
    parts = urlsplit(endpoints.token_url)
    # Retry(0): the SDK's default urllib3 retries sleep on any Retry-After uncapped; callers retry instead.
    return HubSpot(host=f"{parts.scheme}://{parts.netloc}", retry=Retry(0))


def _send(call):
    try:
        result = call()
    except SDK_ERRORS + TRANSPORT_ERRORS as exc:
        raise from_sdk(exc) from None  # no chaining: the SDK's text may hold a token-bearing URL
    return result


def _credentials(token, account_id: str, now: Callable[[], datetime] | None) -> Credentials:
    if token is None or not token.access_token:
        raise CrmUnavailable("HubSpot token endpoint answered without an access token")
    issued = (now or _utcnow)()
    expires_at = issued + timedelta(seconds=int(token.expires_in)) if token.expires_in else None
    return Credentials(access_token=token.access_token, refresh_token=token.refresh_token,
                       expires_at=expires_at, account_id=account_id)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)
