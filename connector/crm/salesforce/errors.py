"""simple-salesforce exceptions (and transport errors) turned into `connector.crm.errors`.

simple-salesforce's exceptions carry the parsed body but no headers, so the adapter's session records each
response's headers (`ResponseHeaders`) and `Retry-After` is read from there. Messages are built from
Salesforce's error codes only: the SDK's `str()` includes URLs and whole bodies.
"""
from __future__ import annotations

from typing import Any, Mapping

import requests
from simple_salesforce.exceptions import SalesforceError

from ..errors import AuthExpired, AuthRevoked, CrmError, CrmRequestInvalid, CrmUnavailable, RateLimited

TRANSPORT_ERRORS = (requests.RequestException, OSError)

# REQUEST_LIMIT_EXCEEDED without a Retry-After: the 24-hour allocation is rolling, so "an hour" is a safe
# "not now" that makes the retry runner hand the job back to the worker instead of sleeping in process.
DAILY_LIMIT_WAIT = 3600.0
# The concurrent long-request limit (and a storm without a header) clears within seconds.
DEFAULT_RATE_LIMIT_WAIT = 5.0
REVOKED_GRANT_CODES = {"invalid_grant", "invalid_client"}


class RequestRefused(CrmRequestInvalid):
    """A 4xx no retry will fix, with Salesforce's status and error code so callers can act on a 404 or a
    DUPLICATE_VALUE rather than parse text."""

    def __init__(self, message: str, status: int, code: str | None, fields: tuple[str, ...] = ()):
        super().__init__(message)
        self.status = status
        self.code = code
        self.fields = fields  # the fields Salesforce named (INVALID_FIELD, REQUIRED_FIELD_MISSING, ...)


def first_error(content: Any) -> tuple[str | None, str]:
    """(errorCode, message) of Salesforce's error body: a JSON list of {message, errorCode}, or an OAuth dict."""
    if isinstance(content, list) and content and isinstance(content[0], Mapping):
        return content[0].get("errorCode"), str(content[0].get("message") or "no message")
    if isinstance(content, Mapping):
        code = content.get("errorCode") or content.get("error")
        return code, str(content.get("message") or content.get("error_description") or "no message")
    return None, "no message"


def from_status(status: int, content: Any, headers: Mapping[str, str] | None,
                daily_exhausted: bool = False) -> CrmError:
    """The typed error for one non-2xx Salesforce answer."""
    code, message = first_error(content)
    text = f"Salesforce answered {status}" + (f" {code}" if code else "") + f": {message}"
    if code == "REQUEST_LIMIT_EXCEEDED" or status == 429:
        return RateLimited(text, rate_limit_wait(headers, daily_exhausted), code or "REQUEST_LIMIT_EXCEEDED")
    if status == 401:
        return AuthExpired(text)
    if status >= 500:
        return CrmUnavailable(text)
    if code in REVOKED_GRANT_CODES:
        return AuthRevoked(text)
    return RequestRefused(text, status, code, _fields(content))


def _fields(content: Any) -> tuple[str, ...]:
    if isinstance(content, list) and content and isinstance(content[0], Mapping):
        return tuple(str(f) for f in content[0].get("fields") or ())
    return ()


def rate_limit_wait(headers: Mapping[str, str] | None, daily_exhausted: bool) -> float:
    retry_after = (headers or {}).get("Retry-After")
    if retry_after is not None:
        try:
            return max(float(retry_after), 0.0)
        except ValueError:
            pass
    return DAILY_LIMIT_WAIT if daily_exhausted else DEFAULT_RATE_LIMIT_WAIT


def from_sdk(exc: Exception, headers: Mapping[str, str] | None, daily_exhausted: bool = False) -> CrmError:
    """The typed error for a simple-salesforce or transport exception."""
    if isinstance(exc, SalesforceError):
        return from_status(int(getattr(exc, "status", 0) or 0), getattr(exc, "content", None), headers,
                           daily_exhausted)
    if isinstance(exc, ValueError):  # a 2xx whose body is not JSON
        return CrmUnavailable("Salesforce answer unreadable")
    return CrmUnavailable(f"Salesforce could not be reached ({type(exc).__name__})")
