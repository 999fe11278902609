"""The per-record opt-out: a boolean CRM property the admin names (`InstallationSettings.opt_out_property`).

An opted-out record is neither scored, trained on nor nurtured, and the score fields the connector wrote on it
are cleared through the normal write-back. The record's current score row is what says the CRM may still show
a score: it is dropped once the clearing lands, so a second sync finds nothing to clear and writes nothing.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, not_, true

from connector.crm.base import FieldWrite, ScoreFieldNames
from connector.db.models import RecordSnapshot
from connector.db.settings import InstallationSettings

# How the CRMs spell a ticked checkbox: HubSpot booleans are "true"/"false" strings, Salesforce's JSON true is
# rendered "true" by the adapter; "1" and "yes" are what CSV imports and custom text properties hold.
TRUE_VALUES = ("true", "1", "yes")


def is_opted_out(properties: dict[str, Any] | None, settings: InstallationSettings) -> bool:
    name = settings.opt_out_property
    if not name:
        return False
    return str((properties or {}).get(name) or "").strip().lower() in TRUE_VALUES


def not_opted_out(settings: InstallationSettings):
    """SQL: the snapshot is not opted out (JSON path on SQLite and PostgreSQL alike)."""
    name = settings.opt_out_property
    if not name:
        return true()
    value = func.lower(func.trim(func.coalesce(RecordSnapshot.properties[name].as_string(), "")))
    return not_(value.in_(TRUE_VALUES))


def clearing_write(crm_id: str, object_type: str, names: ScoreFieldNames) -> FieldWrite:
    """Blank every field the connector writes (None clears, in both adapters); the rep's override is theirs."""
    return FieldWrite(crm_id=crm_id, object_type=object_type, values=dict.fromkeys(sorted(names.written())))
