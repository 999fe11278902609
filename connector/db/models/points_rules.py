"""The cold-start points rules an admin edited for an installation (one row each; none = learnt defaults)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, InstallationOwned, utcnow


class PointsRuleSet(InstallationOwned, Base):
    """Rules in `scoring.models.points` shape: [{"when": {"column", "op", "value"}, "points": P}, ...]."""

    __tablename__ = "points_rule_sets"
    __table_args__ = (UniqueConstraint("installation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_by: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
