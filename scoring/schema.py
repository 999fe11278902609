"""The property schema: each record column with its type, human label and options.

Built from a CSV's values (`infer_schema`) or from CRM property specs passed as plain dicts
(`schema_from_properties`), so scoring never imports connector types.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .features.info import readable

TYPES = ("number", "enumeration", "string", "boolean", "datetime")

# Values that CRMs and web forms use for "not chosen"; they mean missing, never a category.
PLACEHOLDERS = frozenset({"", "select", "n/a", "na", "none", "null", "nan", "-", "--", "?", "unknown", "not provided"})

TRUE_WORDS = frozenset({"1", "yes", "y", "true", "t", "1.0"})
FALSE_WORDS = frozenset({"0", "no", "n", "false", "f", "0.0"})
# Written only as these, a column is a count that has not yet gone past 1, not a flag: read as yes/no, a later
# 2 or 3 would become missing. A flag says so in words (yes/no, true/false) or in the CRM's own type.
DIGITS_ONLY = frozenset({"0", "1", "0.0", "1.0"})

# Share of non-missing values that must parse for a column to be typed number / datetime.
PARSE_SHARE = 0.9
# A text column with at most this many distinct values is a category (enumeration).
ENUMERATION_MAX_VALUES = 50


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    label: str
    options: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"column {self.name!r} has unknown type {self.type!r}; expected one of {TYPES}")


@dataclass(frozen=True)
class Schema:
    columns: tuple[Column, ...] = field(default_factory=tuple)

    def __getitem__(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return any(column.name == name for column in self.columns)

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    def without(self, names) -> "Schema":
        drop = set(names)
        return Schema(tuple(c for c in self.columns if c.name not in drop))


def factorized(series: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(codes, distinct values) with code -1 for missing; a categorical column gives its own codes for free."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(), pd.Series(series.cat.categories.to_numpy(), dtype=object)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return codes, pd.Series(uniques, dtype=object)


def spread(converted: np.ndarray, codes: np.ndarray, missing=np.nan) -> np.ndarray:
    """Per-distinct-value results back onto the rows; rows with code -1 get `missing`."""
    out = converted[np.where(codes < 0, 0, codes)] if len(converted) else np.full(len(codes), missing)
    if (codes < 0).any():
        out = out.astype(object) if out.dtype.kind not in "fM" else out
        out[codes < 0] = missing if out.dtype.kind != "M" else np.datetime64("NaT")
    return out


def by_unique(series: pd.Series, convert) -> pd.Series:
    """Apply `convert` (a vectorised Series -> Series) to the distinct values only, then spread them back.

    CRM columns repeat a few values many times, so this turns string work per row into work per value.
    """
    codes, uniques = factorized(series)
    return pd.Series(spread(convert(uniques).to_numpy(), codes), index=series.index)


def _as_text(value) -> str:
    # 3.0 and "3" are one value: a number column read with gaps becomes float, the same column read as text not.
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _clean_uniques(values: pd.Series) -> pd.Series:
    text = values.map(_as_text).str.strip()
    return text.where(~text.str.lower().isin(PLACEHOLDERS), np.nan)


def clean_text(series: pd.Series) -> pd.Series:
    """Strip text and turn placeholders into NaN; an object Series of str or NaN."""
    return by_unique(series, _clean_uniques).astype(object)


def to_number(series: pd.Series) -> pd.Series:
    """Numbers, with junk such as 'abc' becoming NaN rather than an error."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.astype("float64")
    return by_unique(series, lambda u: pd.to_numeric(_clean_uniques(u), errors="coerce")).astype("float64")


def _boolean_uniques(values: pd.Series) -> pd.Series:
    text = _clean_uniques(values).str.lower()
    return pd.Series(np.select([text.isin(TRUE_WORDS), text.isin(FALSE_WORDS)], [1.0, 0.0], np.nan))


def to_boolean(series: pd.Series) -> pd.Series:
    """1.0 / 0.0 / NaN from any of yes/no, true/false, Y/N, 1/0."""
    return by_unique(series, _boolean_uniques).astype("float64")


def _datetime_uniques(values: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(_clean_uniques(values), errors="coerce", utc=True, format="mixed")
    return stamps.dt.tz_localize(None)


def to_datetime(series: pd.Series) -> pd.Series:
    """UTC-naive timestamps; unparseable values become NaT."""
    return pd.to_datetime(by_unique(series, _datetime_uniques))


def infer_column(name: str, series: pd.Series) -> Column:
    label = readable(name)
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        # Already numbers (the CSV reader parsed them), 0/1 included: see DIGITS_ONLY.
        if series.notna().any():
            return Column(name, "number", label)
        return Column(name, "string", label)
    text = clean_text(series).dropna()
    if text.empty:
        return Column(name, "string", label)
    lowered = set(text.astype(str).str.lower().unique()[:10])
    if text.nunique() <= 2 and lowered <= (TRUE_WORDS | FALSE_WORDS) and not lowered <= DIGITS_ONLY:
        return Column(name, "boolean", label)
    if pd.to_numeric(text, errors="coerce").notna().mean() >= PARSE_SHARE:
        return Column(name, "number", label)
    sample = text.astype(str).head(500)
    # Dates need a digit and a separator; plain words must never be read as dates.
    if sample.str.contains(r"\d{1,4}[-/.]\d{1,2}", regex=True).mean() >= PARSE_SHARE:
        if to_datetime(sample).notna().mean() >= PARSE_SHARE:
            return Column(name, "datetime", label)
    values = text.astype(str).unique()
    if len(values) <= ENUMERATION_MAX_VALUES:
        return Column(name, "enumeration", label, tuple(sorted(values)))
    return Column(name, "string", label)


def infer_schema(frame: pd.DataFrame) -> Schema:
    """Type every column of a CSV from its values."""
    return Schema(tuple(infer_column(str(name), frame[name]) for name in frame.columns))


# CRM property types mapped onto ours (HubSpot type/fieldType, Salesforce field types).
CRM_TYPES = {
    "number": "number", "double": "number", "int": "number", "integer": "number", "currency": "number",
    "percent": "number", "enumeration": "enumeration", "picklist": "enumeration", "select": "enumeration",
    "radio": "enumeration", "string": "string", "text": "string", "textarea": "string", "email": "string",
    "phone": "string", "url": "string", "id": "string", "reference": "string", "bool": "boolean",
    "boolean": "boolean", "booleancheckbox": "boolean", "checkbox": "boolean", "date": "datetime",
    "datetime": "datetime",
}


def schema_from_properties(properties) -> Schema:
    """Schema from CRM property specs given as dicts (name, type, label, options) or (name, type[, label]) tuples."""
    columns = []
    for spec in properties:
        if isinstance(spec, dict):
            name, crm_type = spec["name"], str(spec.get("type", "string")).lower()
            label, options = spec.get("label") or readable(spec["name"]), spec.get("options") or ()
        else:
            name, crm_type = spec[0], str(spec[1]).lower()
            label, options = (spec[2] if len(spec) > 2 else readable(spec[0])), ()
        if crm_type not in CRM_TYPES:
            raise ValueError(f"property {name!r} has unsupported type {crm_type!r}")
        options = tuple(o["value"] if isinstance(o, dict) else str(o) for o in options)
        columns.append(Column(name, CRM_TYPES[crm_type], label, options))
    return Schema(tuple(columns))
