"""The key an installation's outbound webhooks are signed with: derived from the app's SECRET_KEY, so each
installation has its own and nothing extra is stored. (No screen shows it to admins yet: receivers
must be given it by an operator who can compute it from the SECRET_KEY.)"""
from __future__ import annotations

import hashlib
import hmac


def webhook_signing_key(secret_key: str | bytes, installation_id: int) -> bytes:
    secret = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return hmac.new(secret, f"nurture-webhook:{installation_id}".encode(), hashlib.sha256).digest()
