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
CONVERTED_AT_COLUMN = "__converted_at__"
# The property naming the record's owner, per CRM (nurture tasks go to them).
OWNER_PROPERTY = {"hubspot": "hubspot_owner_id", "salesforce": "OwnerId"}


def excluded_columns(settings: InstallationSettings) -> set[str]:
    return (set(own_fields(settings.field_names)) | MODIFICATION_STAMPS
            | {settings.field_names.override_tier, settings.label.property})


def record_frame(properties: Sequence[dict], settings: InstallationSettings) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(list(properties))
    return frame.drop(columns=[c for c in excluded_columns(settings) if c in frame])


def labels(properties: Sequence[dict], settings: InstallationSettings) -> pd.Series:
    """"1" when the label property holds a positive value (HubSpot: the lifecycle stage; Salesforce:
    IsConverted), else "0"; compared case-insensitively, as CRMs are inconsistent about "true"/"True".
    A record whose object has no such property (a Salesforce Contact: the person a converted Lead became)
    has no outcome of its own, "": scored, never trained on."""
    positive = {str(v).strip().lower() for v in settings.label.positive_values}
    name = settings.label.property
    return pd.Series(["" if name not in p else str(int(str(p[name] or "").strip().lower() in positive))
                      for p in properties], dtype="object")


def conversion_dates(properties: Sequence[dict], settings: InstallationSettings) -> pd.Series:
    """When each record converted, as far as the CRM dates it: HubSpot stamps each lifecycle stage reached
    (`hs_lifecyclestage_<stage>_date`, the earliest positive stage counts), Salesforce a Lead's ConvertedDate.
    Training learns from these how long conversion takes (scoring.labels.censor_young)."""
    label = settings.label
    if label.property == "lifecyclestage":
        names = [f"hs_lifecyclestage_{v.strip().lower()}_date" for v in label.positive_values]
    else:
        names = ["ConvertedDate"] if label.property == "IsConverted" else []
    dates = pd.DataFrame({n: pd.to_datetime(pd.Series([p.get(n) for p in properties], dtype="object"),
                                            errors="coerce", utc=True, format="mixed") for n in names},
                         index=range(len(properties)))
    earliest = dates.min(axis=1) if names else pd.Series(pd.NaT, index=dates.index)
    return earliest.map(lambda t: None if pd.isna(t) else t.isoformat()).astype("object")


def training_schema(specs: Sequence[PropertySpec], settings: InstallationSettings) -> Schema:
    """The CRM's property schema for the columns that may become features."""
    drop = excluded_columns(settings)
    return schema_from_properties([{"name": s.name, "type": s.type, "label": s.label, "options": s.options}
                                   for s in specs if s.name not in drop])
