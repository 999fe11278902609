"""Sync runs (what each pull/score/write pass did) and the cursors that say where the next one starts."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, InstallationOwned, str_enum, utcnow


class SyncKind(str, enum.Enum):
    FULL = "full"
    INCREMENTAL = "incremental"
    RESCORE = "rescore"  # webhook-driven, a handful of ids


class SyncStatus(str, enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    PARTIAL = "partial"  # finished, but some records were rejected or malformed
    FAILED = "failed"


class SyncRun(InstallationOwned, Base):
    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SyncKind] = mapped_column(str_enum(SyncKind))
    status: Mapped[SyncStatus] = mapped_column(str_enum(SyncStatus), default=SyncStatus.QUEUED)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    cursor_before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    cursor_after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # {"pulled": n, "scored": n, "written": n, "unchanged": n, "rejected": n, "malformed": n}
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    api_calls: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # CrmClient.api_calls by kind
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{"crm_id", "message"}]
    message: Mapped[str | None] = mapped_column(String(500))  # why the whole run failed, when it did

    @property
    def total_api_calls(self) -> int:
        return sum((self.api_calls or {}).values())


class SyncCursor(InstallationOwned, Base):
    """The bookmark per object type; moved only after the records it covers are stored (the Singer rule)."""

    __tablename__ = "sync_cursors"
    __table_args__ = (UniqueConstraint("installation_id", "object_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(40))
    cursor: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
