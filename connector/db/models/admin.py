"""Who may operate the connector: admin users, per-installation API keys, and the audit trail."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, InstallationOwned, utcnow


class AdminUser(Base):
    __tablename__ = "admin_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # owner | admin | viewer (connector.security.roles); admins from before roles keep every power they had
    role: Mapped[str] = mapped_column(String(16), default="owner", server_default="owner")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"AdminUser(id={self.id!r}, email={self.email!r})"


class AdminSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored, so the server can end a
    session (sign-out, password change, removal) and a copied cookie stops working with it."""

    __tablename__ = "admin_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the cookie's token
    admin_id: Mapped[int] = mapped_column(ForeignKey("admin_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    # Short-lived server-side state of this browser (the OAuth state and PKCE verifier of a pending install).
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ApiKey(InstallationOwned, Base):
    """Only a hash of the key is kept; the prefix is shown so admins can tell keys apart."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"ApiKey(prefix={self.prefix!r}, installation_id={self.installation_id!r})"


class AuditEvent(Base):
    """Who did what. `installation_id` is None for events about the connector itself (sign-in, key rotation)."""

    __tablename__ = "audit_events"
    __table_args__ = (Index(None, "installation_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    installation_id: Mapped[int | None] = mapped_column(ForeignKey("installations.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(254))  # an admin's email, an API key prefix, or "system"
    action: Mapped[str] = mapped_column(String(60))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
