"""Encrypt OAuth grants at rest with Fernet; several keys (newest first) so keys can be rotated.

`MultiFernet` encrypts with the first key and decrypts with any, so rotation is: put the new key first,
run `leadscore keys rotate` (which re-encrypts every stored grant), then drop the old key.
"""
from __future__ import annotations

import json
from datetime import datetime

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from connector.crm.base import Credentials


class VaultError(Exception):
    """A key is malformed, or a ciphertext was not made with any configured key."""


class TokenVault:
    def __init__(self, keys: list[str]):
        if not keys:
            raise VaultError("no encryption key configured")
        try:
            self._fernet = MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])
        except (ValueError, TypeError):
            # Fernet's own message is fine, but never echo the key material back.
            raise VaultError("an encryption key is not a valid Fernet key (32 url-safe base64 bytes)") from None

    def __repr__(self) -> str:
        return "TokenVault(keys=<hidden>)"

    @staticmethod
    def generate_key() -> str:
        return Fernet.generate_key().decode()

    def encrypt(self, credentials: Credentials) -> bytes:
        payload = {
            "access_token": credentials.access_token,
            "refresh_token": credentials.refresh_token,
            "expires_at": credentials.expires_at.isoformat() if credentials.expires_at else None,
            "account_id": credentials.account_id,
            "instance_url": credentials.instance_url,
            "extra": credentials.extra,
        }
        return self._fernet.encrypt(json.dumps(payload).encode())

    def decrypt(self, ciphertext: bytes) -> Credentials:
        try:
            payload = json.loads(self._fernet.decrypt(ciphertext))
        except InvalidToken:
            raise VaultError("stored credentials cannot be decrypted with the configured keys") from None
        expires_at = payload.pop("expires_at")
        return Credentials(**payload, expires_at=datetime.fromisoformat(expires_at) if expires_at else None)

    def rotate(self, ciphertext: bytes) -> bytes:
        """The same secret, re-encrypted with the newest key."""
        try:
            return self._fernet.rotate(ciphertext)
        except InvalidToken:
            raise VaultError("stored credentials cannot be decrypted with the configured keys") from None
