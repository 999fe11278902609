"""Save and load an installation's grant through the vault; adapters' `on_token_refresh` lands here."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from connector.crm.base import Credentials
from connector.db.models import StoredCredentials
from connector.db.scope import InstallationScope

from .vault import TokenVault


def save_credentials(scope: InstallationScope, vault: TokenVault, credentials: Credentials) -> None:
    row = scope.one_or_none(StoredCredentials) or scope.add(StoredCredentials(ciphertext=b""))
    row.ciphertext = vault.encrypt(credentials)
    row.expires_at = credentials.expires_at


def load_credentials(scope: InstallationScope, vault: TokenVault) -> Credentials | None:
    row = scope.one_or_none(StoredCredentials)
    return vault.decrypt(row.ciphertext) if row is not None else None


def rotate_all(session: Session, vault: TokenVault) -> int:
    """Re-encrypt every stored grant with the newest key; returns how many rows were rewritten."""
    rows = list(session.scalars(select(StoredCredentials)))
    for row in rows:
        row.ciphertext = vault.rotate(row.ciphertext)
    return len(rows)
