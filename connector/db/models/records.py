"""What the connector knows about each CRM record: the latest snapshot, its current score, and past scores."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, InstallationOwned, utcnow


class RecordSnapshot(InstallationOwned, Base):
    """The record's properties as last pulled; sync upserts on (installation, object type, crm id)."""

    __tablename__ = "record_snapshots"
    __table_args__ = (UniqueConstraint("installation_id", "object_type", "crm_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(40))
    crm_id: Mapped[str] = mapped_column(String(64))
    properties: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    modified_at: Mapped[datetime]
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)


class _ScoreColumns:
    object_type: Mapped[str] = mapped_column(String(40))
    crm_id: Mapped[str] = mapped_column(String(64))
    score: Mapped[int]
    probability: Mapped[float] = mapped_column(Float)
    tier: Mapped[str] = mapped_column(String(1))
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    model_version_id: Mapped[int | None] = mapped_column(ForeignKey("model_versions.id", ondelete="SET NULL"))
    scored_at: Mapped[datetime] = mapped_column(default=utcnow)
    written_at: Mapped[datetime | None]  # None until the CRM accepted the write-back
    override_tier: Mapped[str | None] = mapped_column(String(1))  # a rep's manual tier, read from the CRM


class CurrentScore(_ScoreColumns, InstallationOwned, Base):
    """One row per record: what the CRM should show now (write-back compares against it)."""

    __tablename__ = "current_scores"
    __table_args__ = (UniqueConstraint("installation_id", "object_type", "crm_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)


class ScoreHistory(_ScoreColumns, InstallationOwned, Base):
    """Every score ever given, for tier-transition detection and the dashboard's trends."""

    __tablename__ = "score_history"
    __table_args__ = (Index(None, "installation_id", "crm_id", "scored_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
