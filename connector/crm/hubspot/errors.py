"""hubspot-api-client exceptions (and the transport errors under them) turned into `connector.crm.errors`.

Every SDK sub-package generates its own `ApiException` class, so `hubspot.crm.contacts.ApiException` is not
`hubspot.crm.properties.ApiException`; the tuple below names each one this adapter calls. Messages are built
from HubSpot's JSON body only: the SDK's own `str()` prints whole responses, and a transport error's text
can carry a URL, which for the v1 token-info and revoke endpoints contains a token (`oauth` builds its
errors from bodies too).
"""
from __future__ import annotations

import json
from typing import Any

import requests
import urllib3

from hubspot.crm.associations.v4 import ApiException as AssociationsApiException
from hubspot.crm.contacts import ApiException as ContactsApiException
from hubspot.crm.objects.tasks import ApiException as TasksApiException
from hubspot.crm.properties import ApiException as PropertiesApiException

from ..errors import AuthExpired, AuthRevoked, CrmError, CrmRequestInvalid, CrmUnavailable, RateLimited

SDK_ERRORS = (ContactsApiException, TasksApiException, PropertiesApiException, AssociationsApiException)
TRANSPORT_ERRORS = (urllib3.exceptions.HTTPError, requests.RequestException, OSError)

# HubSpot's daily allowance resets at midnight; without a Retry-After, an hour is a safe "not now".
DAILY_LIMIT_WAIT = 3600.0
# A 429 with neither Retry-After nor interval headers (Search sends no rate-limit headers at all).
DEFAULT_RATE_LIMIT_WAIT = 1.0
# Token-endpoint answers that mean the grant itself is gone (RFC 6749 and HubSpot's own code).
REVOKED_GRANT_CODES = {"invalid_grant", "BAD_REFRESH_TOKEN", "invalid_client"}


class RequestRefused(CrmRequestInvalid):
    """A 4xx no retry will fix, with what HubSpot said, so callers can tell a 409 or a 404 from a bug."""

    def __init__(self, message: str, status: int, category: str | None, codes: frozenset[str] = frozenset()):
        super().__init__(message)
        self.status = status
        self.category = category
        self.codes = codes  # the `errors[].code` values (PROPERTY_DOESNT_EXIST, INVALID_OPTION, ...)


def error_body(raw: Any) -> dict[str, Any]:
    """HubSpot's JSON error body as a dict; {} when absent or not JSON."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def describe(status: int, body: dict[str, Any]) -> str:
    category = body.get("category") or body.get("errorType") or body.get("status") or body.get("error")
    message = body.get("message") or body.get("error_description") or "no message"
    return f"HubSpot answered {status}" + (f" {category}" if category else "") + f": {message}"


def rate_limit_wait(headers: Any, body: dict[str, Any]) -> float:
    """Seconds to wait after a 429: Retry-After first, then the rolling-window headers, then a default."""
    headers = headers or {}
    retry_after = headers.get("Retry-After")
    if retry_after is not None:
        try:
            return max(float(retry_after), 0.0)
        except ValueError:
            pass
    if str(body.get("policyName", "")).upper() == "DAILY":
        return DAILY_LIMIT_WAIT
    interval_ms = headers.get("X-HubSpot-RateLimit-Interval-Milliseconds")
    if interval_ms is not None and headers.get("X-HubSpot-RateLimit-Remaining") in ("0", 0):
        try:
            return float(interval_ms) / 1000.0
        except ValueError:
            pass
    return DEFAULT_RATE_LIMIT_WAIT


def from_status(status: int, headers: Any, raw_body: Any) -> CrmError:
    """The typed error for one non-2xx HubSpot answer."""
    body = error_body(raw_body)
    text = describe(status, body)
    if status == 429:
        return RateLimited(text, rate_limit_wait(headers, body), body.get("policyName"))
    if status == 401:
        return AuthExpired(text)
    if status == 0 or status >= 500:
        return CrmUnavailable(text)
    if status == 400 and (body.get("error") in REVOKED_GRANT_CODES or body.get("status") in REVOKED_GRANT_CODES):
        return AuthRevoked(text)
    codes = frozenset(str(e.get("code")) for e in body.get("errors") or [] if isinstance(e, dict) and e.get("code"))
    return RequestRefused(text, status, body.get("category"), codes)


def from_sdk(exc: Exception) -> CrmError:
    """The typed error for an SDK or transport exception (anything in SDK_ERRORS + TRANSPORT_ERRORS)."""
    if isinstance(exc, SDK_ERRORS):
        status = getattr(exc, "status", None) or 0
        if status == 0:  # the SDK's own "Failed to parse" or a dropped connection
            return CrmUnavailable(f"HubSpot answer unreadable: {getattr(exc, 'reason', None) or type(exc).__name__}")
        return from_status(status, getattr(exc, "headers", None), getattr(exc, "body", None))
    return CrmUnavailable(f"HubSpot could not be reached ({type(exc).__name__})")
