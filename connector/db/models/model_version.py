"""Trained models: the artefact, what it used, how it did, and which one scores (the champion)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from .base import Base, InstallationOwned, utcnow


class ModelVersion(InstallationOwned, Base):
    __tablename__ = "model_versions"
    __table_args__ = (
        UniqueConstraint("installation_id", "version"),
        # At most one champion per installation, enforced by the database so two trainers can't both promote.
        Index("uq_model_versions_one_champion", "installation_id", unique=True,
              sqlite_where=text("is_champion"), postgresql_where=text("is_champion")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int]  # 1, 2, 3 ... per installation; written to the CRM's model field
    learner: Mapped[str] = mapped_column(String(60))
    artefact: Mapped[bytes] = deferred(mapped_column(LargeBinary))  # large; loaded only to score
    features: Mapped[list[str]] = mapped_column(JSON, default=list)
    excluded: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # property -> why (leakage, protected)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    fingerprint: Mapped[str] = mapped_column(String(64))  # of the training data, to skip retraining on no change
    report_html: Mapped[str | None] = deferred(mapped_column(Text))
    report_json: Mapped[dict[str, Any] | None] = deferred(mapped_column(JSON))  # the report's data, downloadable
    backtest: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # scoring.evaluation.backtest of held-out rows
    trained_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_champion: Mapped[bool] = mapped_column(default=False)
