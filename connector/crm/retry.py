"""Bounded retries for CRM calls, shared by every adapter.

Adapters translate each CRM's answers into `RateLimited` / `CrmUnavailable` first; this module only
decides whether to wait and try again. The SDKs' own hidden retries are switched off (hubspot-api-client's
urllib3 `Retry` sleeps on any `Retry-After` uncapped and never on POST), so this is the one place that
sleeps. Outages are bounded by a number of attempts; rate limits are not counted against that budget and
are waited out for as long as the CRM asks (each wait short enough to sleep in process, see `max_wait`).

A create the CRM has no idempotency key for (a task) must not be resent blindly after an outage: a 502 or a
timeout may come after the CRM applied it. `recover` looks the created thing up first and ends the retries
when it is there.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, TypeVar

from .errors import CrmUnavailable, RateLimited

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try one request.

    - `attempts`: tries in all when the CRM is down (5xx, connection errors); the last failure is raised.
    - `rate_limit_attempts`: tries in all when the CRM answers "too many requests"; None (the default)
      waits out a storm of any length, because a 429 is the CRM pacing us, not failing. Tests bound it.
    - `base` / `cap`: exponential backoff for outages, `base * 2**n` seconds, never more than `cap`.
    - `max_wait`: the longest `Retry-After` worth sleeping in process; anything longer (HubSpot's DAILY
      policy, Salesforce's 24 h allocation) is raised at once so the worker reschedules instead of blocking.
    """

    attempts: int = 4
    rate_limit_attempts: int | None = None
    base: float = 0.5
    cap: float = 30.0
    max_wait: float = 60.0

    def __post_init__(self) -> None:
        if self.attempts < 1 or (self.rate_limit_attempts is not None and self.rate_limit_attempts < 1):
            raise ValueError("a retry policy needs at least one attempt")
        if self.base < 0 or self.cap < 0 or self.max_wait < 0:
            raise ValueError("retry waits cannot be negative")

    def backoff(self, failures: int) -> float:
        """Seconds to wait after the `failures`-th consecutive outage (1-based)."""
        return min(self.cap, self.base * 2 ** (failures - 1))


def call_with_retries(call: Callable[[], T], policy: RetryPolicy,
                      sleep: Callable[[float], None] = time.sleep,
                      recover: Callable[[], T | None] | None = None) -> T:
    """Run `call`, waiting out rate limits and backing off on outages, within the policy's bounds.

    After an outage and before the next try, `recover()` (when given) is asked whether the failed call took
    effect anyway; what it returns (not None) is the answer. A rate-limited call was refused before it ran,
    so it is resent without asking."""
    outages = 0
    throttles = 0
    while True:
        try:
            return call()
        except RateLimited as exc:
            throttles += 1
            if exc.retry_after > policy.max_wait or (
                    policy.rate_limit_attempts is not None and throttles >= policy.rate_limit_attempts):
                raise
            sleep(max(exc.retry_after, 0.0))
        except CrmUnavailable:
            outages += 1
            if outages >= policy.attempts:
                raise
            sleep(policy.backoff(outages))
            if recover is not None:
                found = recover()
                if found is not None:
                    return found
