"""What reps and outcomes say back about the scores: tier overrides and conversions/disqualifications."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, InstallationOwned, utcnow


class OverrideFeedback(InstallationOwned, Base):
    """A rep put a record in another tier than the model did; one row per distinct override seen."""

    __tablename__ = "override_feedback"
    __table_args__ = (UniqueConstraint("installation_id", "crm_id", "model_tier", "override_tier", "score",
                                       name="uq_override_feedback_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    crm_id: Mapped[str] = mapped_column(String(64))
    model_tier: Mapped[str] = mapped_column(String(1))
    override_tier: Mapped[str] = mapped_column(String(1))
    score: Mapped[int]  # the model's score, still shown on the record
    sync_run_id: Mapped[int | None]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutcomeEvent(InstallationOwned, Base):
    """A record converted or was disqualified; kept with the score and tier it had at that moment."""

    __tablename__ = "outcome_events"
    __table_args__ = (UniqueConstraint("installation_id", "crm_id", "outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    crm_id: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20))  # converted / disqualified
    score: Mapped[int]
    tier: Mapped[str] = mapped_column(String(1))
    scored_at: Mapped[datetime]  # when that score was given
    observed_at: Mapped[datetime] = mapped_column(default=utcnow)
