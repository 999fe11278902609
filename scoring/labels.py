"""Label definitions: which records converted (1), which did not (0), which have no outcome yet (NaN)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .schema import FALSE_WORDS, TRUE_WORDS, clean_text, to_datetime

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


# A record has had its chance to convert once it is older than this share of past conversions took.
WINDOW_QUANTILE = 0.9
# Fewer dated conversions than this cannot place the window: no record is held back.
MIN_DATED_CONVERSIONS = 20


def censor_young(y: pd.Series, created: pd.Series, converted_at: pd.Series,
                 quantile: float = WINDOW_QUANTILE) -> tuple[pd.Series, float | None]:
    """Labels with records too young to have converted yet set to NaN (no outcome), and the window in days.

    The window is the `quantile` of days from creation to conversion over the converted records. A record
    created less than a window before the latest date in the data has not had its chance: calling it "not
    converted" would teach that new records never convert. Its converted peers of the same age go too, so the
    records trained on are of one kind (fully observed) and age carries no artefact of the cut."""
    created_at, converted = to_datetime(created), to_datetime(converted_at)
    days = (converted - created_at).dt.total_seconds() / 86400
    dated = days[(y == 1) & days.notna() & (days >= 0)]
    if len(dated) < MIN_DATED_CONVERSIONS:
        return y, None
    window = float(np.quantile(dated, quantile))
    latest = max(created_at.max(), converted.max())
    young = (created_at > latest - pd.Timedelta(days=window)).to_numpy(bool)
    return y.mask(young), window
