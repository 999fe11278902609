"""CRM events already acted on, kept for a window so a redelivered webhook batch queues no second rescore."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, InstallationOwned, utcnow


class WebhookReceipt(InstallationOwned, Base):
    __tablename__ = "webhook_receipts"
    # The unique key is what makes two concurrent deliveries of one event count once (INSERT .. ON CONFLICT).
    __table_args__ = (UniqueConstraint("installation_id", "event_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(120))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
