"""Snapshots as the tables the scoring engine reads: record properties as columns, minus what must never
be a feature (the connector's own score fields, the label property itself)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Sequence

import pandas as pd

from connector.crm.base import PropertySpec
from connector.db.settings import InstallationSettings
from scoring.schema import PLACEHOLDERS, Schema, schema_from_properties

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


YEARS = (1900, 2100)  # a date outside is a typo or a "never" sentinel (9999-12-31), not a moment to age from
VALUE_SHOWN = 80  # characters of a bad value quoted in its report
_YEAR = re.compile(r"^\s*([+-]?\d{4,})-")


@dataclass(frozen=True)
class BadValue:
    row: int  # position in the frame
    field: str
    value: str  # cut to VALUE_SHOWN
    why: str


def set_aside_bad_values(frame: pd.DataFrame, schema: Schema) -> tuple[pd.DataFrame, list[BadValue]]:
    """The frame with each malformed or out-of-range number and date made missing, and what was set aside.

    Scored as missing, such a value costs the record nothing else; reported, a person can fix it in the CRM."""
    bad: list[BadValue] = []
    out = frame.copy()
    for column in schema.columns:
        if column.name not in frame or column.type not in ("number", "datetime"):
            continue
        check = _number_problem if column.type == "number" else _date_problem
        for row, value in enumerate(frame[column.name].tolist()):
            if value is None or (isinstance(value, float) and pd.isna(value)):
                continue
            text = str(value).strip()
            why = None if text.lower() in PLACEHOLDERS else check(text)
            if why:
                bad.append(BadValue(row, column.name, text[:VALUE_SHOWN], why))
                out.iat[row, out.columns.get_loc(column.name)] = None
    return out, bad


def _number_problem(text: str) -> str | None:
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return "not a number"
    return None if pd.notna(number) and abs(number) != float("inf") else "not a finite number"


def _date_problem(text: str) -> str | None:
    year = _YEAR.match(text)
    if text.isdigit():  # epoch milliseconds, as HubSpot sends dates
        try:
            when = datetime.fromtimestamp(int(text) / 1000, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return "a timestamp out of range"
        return _year_problem(when.year)
    if year:
        problem = _year_problem(int(year.group(1)))
        if problem:
            return problem
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return "not a date"
    return None


def _year_problem(year: int) -> str | None:
    low, high = YEARS
    return None if low <= year <= high else f"year {year} is outside {low}-{high}"


def labels(properties: Sequence[dict], settings: InstallationSettings) -> pd.Series:
    """"1" when the label property holds a positive value (HubSpot: the lifecycle stage; Salesforce:
    IsConverted), else "0"; "" for a record with no outcome of its own: scored, never trained on
    (`LabelDefinition.converted`)."""
    outcomes = (settings.label.converted(p) for p in properties)
    return pd.Series(["" if outcome is None else str(int(outcome)) for outcome in outcomes], dtype="object")


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
