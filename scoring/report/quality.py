"""Data quality of the training records: missing rates, constant columns, duplicate rows."""
from __future__ import annotations

import pandas as pd


def data_quality(frame: pd.DataFrame) -> dict:
    blank = frame.isna() | frame.astype(str).apply(lambda c: c.str.strip().eq(""))
    missing = blank.mean().sort_values(ascending=False)
    constant = [c for c in frame.columns if frame[c].nunique(dropna=True) <= 1]
    return {"rows": int(len(frame)), "columns": int(frame.shape[1]),
            "missing_rate": {c: float(v) for c, v in missing.items()},
            "constant_columns": constant,
            "duplicate_rows": int(frame.duplicated().sum())}
