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
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"AdminUser(id={self.id!r}, email={self.email!r})"


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
