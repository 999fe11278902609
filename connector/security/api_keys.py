"""Per-installation API keys: `lsk_<prefix>_<secret>`; only the prefix and a SHA-256 of the whole key are stored.

A fast hash is right here (unlike passwords): the secret is 32 random bytes, so there is nothing to brute-force.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

PREFIX_TAG = "lsk_"


@dataclass(frozen=True)
class IssuedKey:
    prefix: str  # shown in the dashboard, e.g. lsk_3f9a1c2b
    key_hash: str
    plaintext: str  # shown to the admin once, never stored

    def __repr__(self) -> str:
        return f"IssuedKey(prefix={self.prefix!r})"


def issue_key() -> IssuedKey:
    prefix = PREFIX_TAG + secrets.token_hex(4)
    plaintext = f"{prefix}_{secrets.token_urlsafe(32)}"
    return IssuedKey(prefix=prefix, key_hash=hash_key(plaintext), plaintext=plaintext)


def hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def prefix_of(plaintext: str) -> str | None:
    """The lookup prefix of a presented key, or None when it is not shaped like one of ours."""
    # The secret is url-safe base64 and may itself contain "_", so split by position, not by separator.
    size = len(PREFIX_TAG) + 8
    prefix, sep, secret = plaintext[:size], plaintext[size:size + 1], plaintext[size + 1:]
    return prefix if prefix.startswith(PREFIX_TAG) and sep == "_" and secret else None


def key_matches(key_hash: str, plaintext: str) -> bool:
    return hmac.compare_digest(key_hash, hash_key(plaintext))
