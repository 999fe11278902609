"""The typed errors every CRM adapter raises, so workers can decide retry or give up by kind.

Modelled on httpx's small exception tree: catch `CrmError` for "anything the CRM said no to",
or a subclass for the case you can act on.
"""
from __future__ import annotations


class CrmError(Exception):
    """Anything a CRM refused or failed to do."""


class RateLimited(CrmError):
    """The account's request allowance is used up; try again after `retry_after` seconds."""

    def __init__(self, message: str, retry_after: float, policy: str | None = None):
        super().__init__(message)
        self.retry_after = retry_after
        self.policy = policy  # e.g. HubSpot's TEN_SECONDLY_ROLLING / DAILY, Salesforce's REQUEST_LIMIT_EXCEEDED


class AuthExpired(CrmError):
    """The access token is no longer accepted and a refresh did not help (or was not possible)."""


class AuthRevoked(CrmError):
    """The grant itself is gone (refresh token revoked or invalid): the admin must reconnect."""


class RecordRejected(CrmError):
    """The CRM refused one record; the rest of its batch may still have landed."""

    def __init__(self, record_id: str, reason: str, code: str | None = None):
        super().__init__(f"{record_id}: {reason}")
        self.record_id = record_id
        self.reason = reason
        self.code = code


class CrmUnavailable(CrmError):
    """The CRM could not be reached or answered with a server error, after retries."""


class CrmRequestInvalid(CrmError):
    """The CRM refused the request as malformed (a 4xx that no retry will fix): a bug or a misconfiguration."""
