"""Label definitions: which records converted (1), which did not (0), which have no outcome yet (NaN)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .schema import FALSE_WORDS, TRUE_WORDS, clean_text

# HubSpot lifecycle stages in order; reaching opportunity or later counts as converted.
HUBSPOT_STAGES = ("subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity",
                  "customer", "evangelist")
HUBSPOT_CONVERTED = frozenset({"opportunity", "customer", "evangelist"})


class LabelError(ValueError):
    """The target cannot be read as a binary outcome."""


def binary_labels(values: pd.Series, positive: str | None = None) -> pd.Series:
    """0/1/NaN from any binary encoding (0/1, yes/no, true/false, Y/N) or a chosen positive value.

    Empty values mean "no outcome yet": those records are scored but not trained on.
    """
    text = clean_text(values).astype("string")
    present = text.notna().to_numpy(bool)
    out = pd.Series(np.nan, index=values.index, dtype="float64")
    if positive is not None:
        out[present] = (text[present].str.lower() == str(positive).strip().lower()).astype(float).to_numpy()
        if out[present].sum() == 0:
            raise LabelError(f"no record has the positive value {positive!r}")
        return out
    lowered = text.str.lower()
    seen = set(lowered.dropna().unique())
    if seen <= TRUE_WORDS | FALSE_WORDS:
        out[lowered.isin(TRUE_WORDS).fillna(False).to_numpy(bool)] = 1.0
        out[lowered.isin(FALSE_WORDS).fillna(False).to_numpy(bool)] = 0.0
        return out
    raise LabelError(
        f"the target has values {sorted(seen)[:5]} that are not a binary encoding; name the positive one with --positive"
    )


def hubspot_labels(lifecycle_stage: pd.Series, reached_dates: pd.DataFrame | None = None) -> pd.Series:
    """Converted when the lifecycle stage reached opportunity or customer, or any chosen date property is set."""
    stage = clean_text(lifecycle_stage).astype("string").str.lower()
    out = stage.isin(HUBSPOT_CONVERTED).fillna(False).astype(float)
    if reached_dates is not None and not reached_dates.empty:
        out = np.maximum(out, reached_dates.notna().any(axis=1).astype(float))
    return out.astype("float64")


def salesforce_labels(is_converted: pd.Series) -> pd.Series:
    """Salesforce Lead.IsConverted as 0/1."""
    return binary_labels(is_converted)
