"""An installed CRM account, and its encrypted OAuth grant."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..settings import InstallationSettings
from .base import Base, str_enum, utcnow


class InstallationStatus(str, enum.Enum):
    ACTIVE = "active"
    RECONNECT_NEEDED = "reconnect_needed"  # the grant was revoked or refresh failed: an admin must reinstall
    PAUSED = "paused"
    DISCONNECTED = "disconnected"


class Crm(str, enum.Enum):
    HUBSPOT = "hubspot"
    SALESFORCE = "salesforce"

    @property
    def label(self) -> str:
        return {"hubspot": "HubSpot", "salesforce": "Salesforce"}[self.value]


class Installation(Base):
    __tablename__ = "installations"
    __table_args__ = (UniqueConstraint("crm", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    crm: Mapped[Crm] = mapped_column(str_enum(Crm))
    account_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[InstallationStatus] = mapped_column(str_enum(InstallationStatus), default=InstallationStatus.ACTIVE)
    settings_json: Mapped[dict[str, Any]] = mapped_column("settings", JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def settings(self) -> InstallationSettings:
        """The typed view of the JSON column, with the CRM's defaults for anything not set."""
        return InstallationSettings.from_json(self.crm.value, self.settings_json or {})

    @settings.setter
    def settings(self, value: InstallationSettings) -> None:
        self.settings_json = value.to_json()


class StoredCredentials(Base):
    """One row per installation: the grant encrypted by `TokenVault`; only the expiry is readable."""

    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    installation_id: Mapped[int] = mapped_column(ForeignKey("installations.id", ondelete="CASCADE"), unique=True)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"StoredCredentials(installation_id={self.installation_id!r}, expires_at={self.expires_at!r})"
