"""HubSpot request signatures: v3 for webhooks and current CRM cards, v2 for legacy CRM card fetches.

v3 = base64(HMAC-SHA256(app secret, method + URI + body + timestamp)), timestamp in ms, at most 5 minutes old
(the Python SDK once accepted 50 minutes: pain point #4); v2 = hex(SHA-256(app secret + method + URI + body)).
Both are compared in constant time.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import time

from connector.security.compare import same_secret

MAX_AGE_MS = 5 * 60 * 1000
# HubSpot decodes these in the URI before signing (its request-validation guide); so must we.
_DECODED = {"%3A": ":", "%2F": "/", "%3F": "?", "%40": "@", "%21": "!", "%24": "$", "%27": "'", "%28": "(",
            "%29": ")", "%2A": "*", "%2C": ",", "%3B": ";"}


class SignatureInvalid(Exception):
    """The request is not provably from HubSpot; the message says why, without secrets."""


def verify_v3(secret: str, method: str, uri: str, body: bytes, signature: str | None, timestamp: str | None,
              now_ms: int | None = None) -> None:
    if not signature or not timestamp:
        raise SignatureInvalid("missing X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp header")
    try:
        stamp = int(timestamp)  # an integer of milliseconds; a float here once broke the HMAC (pain point #4)
    except ValueError:
        raise SignatureInvalid("X-HubSpot-Request-Timestamp is not a whole number of milliseconds") from None
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    if abs(now_ms - stamp) > MAX_AGE_MS:
        raise SignatureInvalid("the request timestamp is more than 5 minutes away from now")
    message = method.upper().encode() + _decode_uri(uri).encode() + body + timestamp.encode()
    expected = base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()
    if not same_secret(expected, signature):
        raise SignatureInvalid("the v3 signature does not match")


def verify_v2(secret: str, method: str, uri: str, body: bytes, signature: str | None) -> None:
    if not signature:
        raise SignatureInvalid("missing X-HubSpot-Signature header")
    expected = hashlib.sha256(secret.encode() + method.upper().encode() + uri.encode() + body).hexdigest()
    if not same_secret(expected, signature.lower()):
        raise SignatureInvalid("the v2 signature does not match")


def verify_request(secret: str, method: str, uri: str, body: bytes, headers, allow_v2: bool) -> None:
    """v3 when the request carries it; v2 (legacy CRM cards send only that) only when `allow_v2`, since a v2
    signature has no timestamp and a captured request could be replayed forever."""
    if not secret:
        raise SignatureInvalid("the HubSpot app secret is not configured")
    if headers.get("X-HubSpot-Signature-v3"):
        verify_v3(secret, method, uri, body, headers.get("X-HubSpot-Signature-v3"),
                  headers.get("X-HubSpot-Request-Timestamp"))
    elif allow_v2:
        verify_v2(secret, method, uri, body, headers.get("X-HubSpot-Signature"))
    else:
        raise SignatureInvalid("send a v3 signature (legacy v2 cards are not enabled for this portal)")


def _decode_uri(uri: str) -> str:
    for encoded, plain in _DECODED.items():
        uri = uri.replace(encoded, plain).replace(encoded.lower(), plain)
    return uri
