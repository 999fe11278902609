"""Constant-time comparison of a secret we expect with one a request presents."""
from __future__ import annotations

import hmac


def same_secret(expected: str, presented: str) -> bool:
    # Compared as bytes: hmac.compare_digest raises TypeError on str holding non-ASCII characters, and what a
    # request presents (a header, a path segment, a form field) can hold anything.
    return hmac.compare_digest(expected.encode("utf-8", "replace"), presented.encode("utf-8", "replace"))
