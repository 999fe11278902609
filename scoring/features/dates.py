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
    stamps = to_datetime(values)
    return ((reference - stamps) / DAY).to_numpy(dtype="float64", na_value=np.nan)
