"""Proving the lift: the A/B experiment against the previous method, its arm assignments, and the ROI inputs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, InstallationOwned, utcnow

MODEL_ARM, CONTROL_ARM = "model", "control"
# How the control arm is nurtured: the admin's points rules decide its tiers, or it gets no scoring-driven action.
POINTS_RULES, NO_ACTIONS = "points_rules", "no_actions"


class Experiment(InstallationOwned, Base):
    """One per installation. Stopping keeps the assignments (and the arm field in the CRM) for the record."""

    __tablename__ = "experiments"
    __table_args__ = (UniqueConstraint("installation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    control_share: Mapped[float] = mapped_column(Float, default=0.1)
    control_method: Mapped[str] = mapped_column(String(20), default=NO_ACTIONS)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ends_at: Mapped[datetime | None]  # None: runs until stopped
    stopped_at: Mapped[datetime | None]
    updated_by: Mapped[str] = mapped_column(String(200), default="")


class ExperimentAssignment(InstallationOwned, Base):
    """A record's arm, fixed the first time it is seen: a changed share applies to records not yet assigned."""

    __tablename__ = "experiment_assignments"
    __table_args__ = (UniqueConstraint("installation_id", "crm_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    crm_id: Mapped[str] = mapped_column(String(64))
    arm: Mapped[str] = mapped_column(String(10))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The previous method's view of a control record (points rules): its last points score and tier, so a change
    # of that tier fires the nurture rules as a change of the model's tier does in the model arm.
    # Scored for the first time after it was assigned: its first points tier is a first score, which fires
    # "enters tier" rules as a first model score does; for a record scored before, it is only a baseline.
    new_record: Mapped[bool] = mapped_column(default=False)
    control_score: Mapped[int | None]
    control_tier: Mapped[str | None] = mapped_column(String(1))
    written_at: Mapped[datetime | None]  # when the arm was sent to the CRM's arm field (None: not yet)


class RoiInputs(InstallationOwned, Base):
    """What the admin tells us about their business, for the ROI report (money in the installation's currency)."""

    __tablename__ = "roi_inputs"
    __table_args__ = (UniqueConstraint("installation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_value: Mapped[float] = mapped_column(Float)
    monthly_cost: Mapped[float] = mapped_column(Float)
    rep_cost_per_hour: Mapped[float] = mapped_column(Float)
    minutes_per_lead: Mapped[float] = mapped_column(Float)
    updated_by: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
