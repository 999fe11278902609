"""Append to the audit trail; callers commit with the change they record, so both land or neither does."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .models import AuditEvent


def record_event(session: Session, actor: str, action: str, installation_id: int | None = None,
                 **detail: Any) -> AuditEvent:
    event = AuditEvent(actor=actor, action=action, installation_id=installation_id, detail=detail)
    session.add(event)
    return event
