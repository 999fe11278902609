"""Signed outbound webhooks: a JSON POST whose body the receiver can verify with HMAC-SHA256.

Headers: `X-LeadScore-Signature: sha256=<hex of HMAC(key, timestamp + "." + body)>`, `X-LeadScore-Timestamp`
(seconds; receivers should refuse old ones to stop replays) and `X-LeadScore-Delivery`, the action's
idempotency key, the same on every retry of one action so a receiver can drop repeats.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any, Callable

import requests

from connector.crm.errors import CrmRequestInvalid, CrmUnavailable, RateLimited
from connector.crm.retry import RetryPolicy, call_with_retries

TIMEOUT = (5.0, 15.0)


def signature(key: bytes, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(key, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def post_signed(url: str, payload: dict[str, Any], key: bytes, delivery_id: str, *,
                session: requests.Session | None = None, retry: RetryPolicy = RetryPolicy(),
                sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.time) -> int:
    """POST `payload`; returns the status. Outages and 429s are retried with backoff; other 4xx are final."""
    body = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    http = session or requests.Session()

    def send() -> int:
        timestamp = str(int(clock()))
        headers = {"Content-Type": "application/json", "X-LeadScore-Timestamp": timestamp,
                   "X-LeadScore-Signature": signature(key, timestamp, body), "X-LeadScore-Delivery": delivery_id}
        try:
            answer = http.post(url, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False)
        except requests.RequestException as exc:
            raise CrmUnavailable(f"webhook unreachable: {type(exc).__name__}") from None
        if answer.status_code == 429:
            raise RateLimited("webhook receiver is rate limiting", _retry_after(answer))
        if answer.status_code >= 500:
            raise CrmUnavailable(f"webhook receiver answered {answer.status_code}")
        if answer.status_code >= 300:
            raise CrmRequestInvalid(f"webhook receiver refused the post ({answer.status_code})")
        return answer.status_code

    return call_with_retries(send, retry, sleep)


def _retry_after(answer: requests.Response) -> float:
    try:
        return float(answer.headers.get("Retry-After", "1"))
    except ValueError:
        return 1.0
