"""Dates turned into ages in days relative to a reference time fixed at fit."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import to_datetime

DAY = np.timedelta64(1, "D")


def reference_time(columns: list[pd.Series]) -> pd.Timestamp:
    """The latest date seen in training: ages stay comparable between fit and later scoring runs."""
    latest = [to_datetime(s).max() for s in columns]
    latest = [t for t in latest if pd.notna(t)]
    return max(latest) if latest else pd.Timestamp("1970-01-01")


def age_days(values: pd.Series, reference: pd.Timestamp) -> np.ndarray:
    """Days from each date to the reference; a date after it (a record newer than the newest one trained on,
    scored without `as_of`) counts as brand new, age 0, not a negative age the model never saw."""
    stamps = to_datetime(values)
    return np.maximum(((reference - stamps) / DAY).to_numpy(dtype="float64", na_value=np.nan), 0.0)


def naive_utc(moment) -> pd.Timestamp:
    """A datetime as the UTC-naive timestamp the date columns are read as."""
    stamp = pd.Timestamp(moment)
    return stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo is not None else stamp
