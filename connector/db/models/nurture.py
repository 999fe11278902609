"""Nurture rules (what to do when a record's tier changes) and the log that makes each action fire once."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, InstallationOwned, utcnow


class NurtureRule(InstallationOwned, Base):
    """Trigger and actions as JSON (shape in `connector.db.rules`); editing them bumps `version`."""

    __tablename__ = "nurture_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    trigger: Mapped[dict[str, Any]] = mapped_column(JSON)
    actions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(default=1)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ActionLog(InstallationOwned, Base):
    """One row per action attempted; the unique key means a retried task cannot fire an action twice."""

    __tablename__ = "action_log"
    __table_args__ = (UniqueConstraint("rule_id", "rule_version", "crm_id", "transition", "action_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("nurture_rules.id", ondelete="CASCADE"))
    rule_version: Mapped[int]
    crm_id: Mapped[str] = mapped_column(String(64))
    transition: Mapped[str] = mapped_column(String(40))  # e.g. "C->A"
    action_index: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending / done / failed
    attempts: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CrmCatalog(InstallationOwned, Base):
    """The last list of one kind ("enroll_targets", "settable_properties") read from the CRM for the rule form,
    kept so the form still offers it while the CRM cannot be reached."""

    __tablename__ = "crm_catalogs"
    __table_args__ = (UniqueConstraint("installation_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    items: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)  # [{"id", "label"}]
    read_at: Mapped[datetime] = mapped_column(default=utcnow)
