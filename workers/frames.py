"""Snapshots as the tables the scoring engine reads: record properties as columns, minus what must never
be a feature (the connector's own score fields, the label property itself)."""
from __future__ import annotations

from typing import Sequence

import pandas as pd

from connector.crm.base import PropertySpec
from connector.db.settings import InstallationSettings
from scoring.schema import Schema, schema_from_properties

from .snapshots import MODIFICATION_STAMPS, own_fields

LABEL_COLUMN = "__converted__"
# The property naming the record's owner, per CRM (nurture tasks go to them).
OWNER_PROPERTY = {"hubspot": "hubspot_owner_id", "salesforce": "OwnerId"}


def excluded_columns(settings: InstallationSettings) -> set[str]:
    return (set(own_fields(settings.field_names)) | MODIFICATION_STAMPS
            | {settings.field_names.override_tier, settings.label.property})


def record_frame(properties: Sequence[dict], settings: InstallationSettings) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(list(properties))
    return frame.drop(columns=[c for c in excluded_columns(settings) if c in frame])


def labels(properties: Sequence[dict], settings: InstallationSettings) -> pd.Series:
    """1 when the label property holds a positive value (HubSpot: the lifecycle stage; Salesforce:
    IsConverted), else 0; compared case-insensitively, as CRMs are inconsistent about "true"/"True"."""
    positive = {str(v).strip().lower() for v in settings.label.positive_values}
    name = settings.label.property
    return pd.Series([int(str(p.get(name) or "").strip().lower() in positive) for p in properties], dtype="int64")


def training_schema(specs: Sequence[PropertySpec], settings: InstallationSettings) -> Schema:
    """The CRM's property schema for the columns that may become features."""
    drop = excluded_columns(settings)
    return schema_from_properties([{"name": s.name, "type": s.type, "label": s.label, "options": s.options}
                                   for s in specs if s.name not in drop])
